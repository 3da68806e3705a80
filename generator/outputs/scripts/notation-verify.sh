usage() { echo "usage: $0 sha256:DIGEST   (needs signing/notation-trustpolicy.json imported)" >&2; exit 2; }
[[ $# -eq 1 && $1 =~ ^sha256:[0-9a-f]{64}$ ]] || usage
notation verify "$IMAGE@$1"
