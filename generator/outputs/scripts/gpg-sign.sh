usage() { echo "usage: $0 SOURCE TAG   (copies SOURCE, e.g. containers-storage:localhost/app:1.0, to $IMAGE:TAG and signs it)" >&2; exit 2; }
[[ $# -eq 2 && $2 =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || usage
if [[ -z $GPG_FINGERPRINT ]]; then
  echo "$0: set GPG_FINGERPRINT to the 40-hex fingerprint of the signing key" >&2
  exit 2
fi
skopeo --registries.d "$REGISTRIES_D" copy --quiet --sign-by "$GPG_FINGERPRINT" "$1" "docker://$IMAGE:$2"
echo "signed: $IMAGE:$2"
