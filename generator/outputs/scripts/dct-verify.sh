echo "$dct_warning" >&2
usage() { echo "usage: $0 TAG   (shows the Docker Content Trust data of $IMAGE:TAG)" >&2; exit 2; }
[[ $# -eq 1 && $1 =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || usage
docker trust inspect --pretty "$IMAGE:$1"
