echo "$dct_warning" >&2
usage() { echo "usage: $0 TAG   (signs $IMAGE:TAG with Docker Content Trust)" >&2; exit 2; }
[[ $# -eq 1 && $1 =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || usage
DOCKER_CONTENT_TRUST=1 docker trust sign "$IMAGE:$1"
