usage() { echo "usage: $0 TAG|sha256:DIGEST   (copies $IMAGE under policy $POLICY; fails unless signed)" >&2; exit 2; }
[[ $# -eq 1 ]] || usage
if [[ $1 =~ ^sha256:[0-9a-f]{64}$ ]]; then
  ref="docker://$IMAGE@$1"
elif [[ $1 =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]]; then
  ref="docker://$IMAGE:$1"
else
  usage
fi
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
skopeo --policy "$POLICY" --registries.d "$REGISTRIES_D" copy --quiet "$ref" "dir:$dest"
echo "verified: $ref"
