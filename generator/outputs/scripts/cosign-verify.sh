usage() { echo "usage: $0 sha256:DIGEST   (verifies $IMAGE@DIGEST; VERIFY_SBOM=0 skips the SBOM attestation)" >&2; exit 2; }
[[ $# -eq 1 && $1 =~ ^sha256:[0-9a-f]{64}$ ]] || usage
ref="$IMAGE@$1"
if [[ -n ${COSIGN_PUBLIC_KEY:-} ]]; then
  verify_flags=(--key "$COSIGN_PUBLIC_KEY")
else
  verify_flags=(--certificate-identity "$CERT_IDENTITY" --certificate-oidc-issuer "$CERT_ISSUER")
fi
cosign verify "${verify_flags[@]}" "$ref" >/dev/null
if [[ ${VERIFY_SBOM:-1} != 0 ]]; then
  cosign verify-attestation --type spdxjson "${verify_flags[@]}" "$ref" >/dev/null
fi
echo "verified: $ref"
