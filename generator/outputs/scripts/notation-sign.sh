usage() { echo "usage: $0 sha256:DIGEST   (signs $IMAGE@DIGEST with the notation key $NOTATION_KEY)" >&2; exit 2; }
[[ $# -eq 1 && $1 =~ ^sha256:[0-9a-f]{64}$ ]] || usage
notation sign --signature-format cose --key "$NOTATION_KEY" "$IMAGE@$1"
