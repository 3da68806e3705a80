usage() { echo "usage: $0 sha256:DIGEST [SBOM.spdx.json]   (signs $IMAGE@DIGEST)" >&2; exit 2; }
[[ $# -ge 1 && $1 =~ ^sha256:[0-9a-f]{64}$ ]] || usage
ref="$IMAGE@$1"
sign_flags=()
if [[ -n ${COSIGN_KEY:-} ]]; then
  sign_flags=(--key "$COSIGN_KEY")
fi
cosign sign --yes "${sign_flags[@]}" "$ref"
if [[ $# -ge 2 ]]; then
  cosign attest --yes "${sign_flags[@]}" --type spdxjson --predicate "$2" "$ref"
fi
echo "signed: $ref"
