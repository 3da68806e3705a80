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
skopeo_flags=(--policy "$POLICY" --registries.d "$REGISTRIES_D")
if [[ -n ${REGISTRIES_CONF:-} ]]; then  # e.g. a registries.conf marking a registry insecure
  skopeo_flags+=(--registries-conf "$REGISTRIES_CONF")
fi
skopeo "${skopeo_flags[@]}" copy --quiet "$ref" "dir:$dest"
echo "verified: $ref"
