usage() { echo "usage: $0 SOURCE TAG   (copies SOURCE, e.g. containers-storage:localhost/app:1.0, to $IMAGE:TAG and signs it)" >&2; exit 2; }
[[ $# -eq 2 && $2 =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || usage
if [[ -z $GPG_FINGERPRINT ]]; then
  echo "$0: set GPG_FINGERPRINT to the 40-hex fingerprint of the signing key" >&2
  exit 2
fi
skopeo_flags=(--registries.d "$REGISTRIES_D")
if [[ -n ${REGISTRIES_CONF:-} ]]; then  # e.g. a registries.conf marking a registry insecure
  skopeo_flags+=(--registries-conf "$REGISTRIES_CONF")
fi
skopeo "${skopeo_flags[@]}" copy --quiet --sign-by "$GPG_FINGERPRINT" "$1" "docker://$IMAGE:$2"
echo "signed: $IMAGE:$2"
