"""Finding image references and rewriting them in place: every kind of file, odd syntax, hostile input."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import references as r
from generator.errors import InputError

D = "sha256:" + "ab" * 32


def found(text: str, kind: str, name: str = "f") -> list[tuple[int, str, str, str | None]]:
    return [(s.line, s.kind, s.text, s.skip and s.skip.split(";")[0]) for s in r.find(Path(name), text, kind)]


def pin_all(text: str, kind: str) -> str:
    sites = [s for s in r.find(Path("f"), text, kind) if s.skip is None]
    return r.rewrite(text, [r.replacement(s, D) for s in sites])


def test_only_a_whole_shell_word_opens_a_here_document():
    text = ("FROM alpine:3.19 AS build\n"
            "RUN echo \"write heredocs as <<EOF in scripts\" > /note && echo $((1<<BITS))\n"
            "FROM busybox:1.36\n"
            "RUN 3<<-\"X\" cat\n\tFROM nothing:1\n\tX\n"
            "FROM debian:12\n")
    assert [(line, image) for line, _kind, image, _skip in found(text, "dockerfile")] == [
        (1, "alpine:3.19"), (3, "busybox:1.36"), (7, "debian:12")]


def test_dockerfile_from_arg_copy_and_what_is_not_an_image():
    text = ("# escape=\\\n"
            "ARG BASE=\"python:3.12-slim\" OTHER\n"
            "ARG TAG=22\n"
            "FROM ${BASE} AS build\n"
            "RUN <<EOF\nFROM evil:1\nEOF\n"
            "from --platform=$BUILDPLATFORM node:${TAG}-slim as assets\n"
            "COPY --from=build /a /b\n"
            "COPY --from=0 /a /b\n"
            "COPY --link --from=busybox:1.36 \\\n"
            "  # a comment inside a continuation\n"
            "  /bin/sh /sh\n"
            "FROM $OTHER\n"
            "FROM build\n"
            "FROM scratch\n")
    assert found(text, "dockerfile") == [
        (2, "dockerfile-arg", "python:3.12-slim", None),
        (8, "dockerfile-from", "node:22-slim", "built from ARG TAG and text"),
        (11, "dockerfile-copy", "busybox:1.36", None),
        (14, "dockerfile-from", "$OTHER", "ARG OTHER has no default value to pin"),
    ]
    pinned = pin_all(text, "dockerfile")
    assert pinned == text.replace('"python:3.12-slim"', f'"python:3.12-slim@{D}"').replace(
        "busybox:1.36", f"busybox:1.36@{D}")


def test_one_arg_feeding_two_stages_is_one_reference_and_crlf_is_kept():
    text = "ARG B=alpine:3.20\r\nFROM $B AS a\r\nFROM ${B} AS b\r\nFROM golang:1.24@" + D + "\r\n"
    sites = r.find(Path("Dockerfile"), text, "dockerfile")
    assert [s.text for s in sites] == ["alpine:3.20", "golang:1.24@" + D]
    new = "sha256:" + "cd" * 32
    out = r.rewrite(text, [r.replacement(s, new) for s in sites])
    assert out == f"ARG B=alpine:3.20@{new}\r\nFROM $B AS a\r\nFROM ${{B}} AS b\r\nFROM golang:1.24@{new}\r\n"


def test_backtick_escape_directive_continues_lines():
    text = "# escape=`\nFROM `\n  mcr.microsoft.com/dotnet/sdk:8.0 AS build\n"
    assert found(text, "dockerfile") == [(3, "dockerfile-from", "mcr.microsoft.com/dotnet/sdk:8.0", None)]


def test_kubernetes_multi_document_every_container_kind():
    text = ("apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - {name: a, image: nginx:1.27}\n"
            "  initContainers:\n  - name: b\n    image: \"busybox:1.36\"\n"
            "  ephemeralContainers:\n  - name: c\n    image: 'alpine:3.20' # debug\n"
            "---\n# just a comment\n---\napiVersion: v1\nkind: ConfigMap\ndata: {image: not-an-image-field}\n")
    kinds = found(text, "kubernetes")
    assert [k[2] for k in kinds] == ["nginx:1.27", "busybox:1.36", "alpine:3.20"]  # never data or labels
    pinned = pin_all(text, "kubernetes")
    assert f"image: 'alpine:3.20@{D}' # debug" in pinned and f'image: "busybox:1.36@{D}"' in pinned


def test_templated_values_are_skipped_not_broken():
    text = "services:\n  a:\n    image: ${REGISTRY}/app:${TAG}\n  b:\n    image: ${B:-redis:7}\n"
    assert found(text, "compose") == [(3, "compose", "${REGISTRY}/app:${TAG}", "set by a variable or template"),
                                      (5, "compose", "redis:7", None)]
    assert pin_all(text, "compose").endswith(f"image: ${{B:-redis:7@{D}}}\n")


def test_classify_by_name_and_content():
    assert r.classify(Path("Dockerfile")) == "dockerfile"
    assert r.classify(Path("api.Dockerfile")) == "dockerfile"
    assert r.classify(Path("Containerfile.dev")) == "dockerfile"
    assert r.classify(Path("Dockerfile.j2")) is None
    assert r.classify(Path("docker-compose.prod.yml")) == "compose"
    assert r.classify(Path("kustomization.yaml")) == "kustomization"
    assert r.classify(Path(".dockseal.yml")) == "record"
    assert r.classify(Path("deploy.yaml"), "kind: Deployment\nspec:\n  image: x\n") == "kubernetes"
    assert r.classify(Path("values.yaml"), "image:\n  tag: 1\n") is None


IMAGE_CHARS = st.text(alphabet=st.sampled_from(list("abz09:./-_@${}'\"\\ \n\t#é{{}}$()")), max_size=40)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(IMAGE_CHARS, min_size=1, max_size=5), st.sampled_from(["plain", "'", '"']))
def test_yaml_rewrites_only_the_image_values(values, style):
    """Hostile values: whatever we pin reads back as pinned, everything else reads back unchanged."""
    doc = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x", "labels": {"image": "label"}},
           "spec": {"containers": [{"name": f"c{i}", "image": v} for i, v in enumerate(values)]}}
    text = yaml.safe_dump(doc, default_style=None if style == "plain" else style, width=10_000)
    sites = r.find(Path("pod.yaml"), text, "kubernetes")
    valid = [s for s in sites if s.skip is None and s.ref is not None]
    out = r.rewrite(text, [r.replacement(s, D) for s in valid])
    after = yaml.safe_load(out)
    pinned = {s.text for s in valid}
    for before_c, after_c in zip(doc["spec"]["containers"], after["spec"]["containers"]):
        if isinstance(before_c["image"], str) and before_c["image"] in pinned:
            assert after_c["image"] == before_c["image"].split("@")[0] + "@" + D
        else:
            assert after_c["image"] == before_c["image"]
    assert after["metadata"] == doc["metadata"]


LINES = st.sampled_from(["FROM python:3.12", "FROM a:1 AS a", "COPY --from=a /x /y", "COPY --from=busybox:1 /x /y",
                         "ARG X=alpine:3", "FROM $X", "RUN echo \\", "  FROM not:this", "# FROM comment:1", "",
                         "RUN <<EOF", "FROM heredoc:1", "EOF", "FROM ${X}-x", "RUN echo '$(rm -rf /)' \"{{ x }}\""])


@settings(max_examples=200, deadline=None)
@given(st.lists(LINES, max_size=15), st.text(max_size=30))
def test_dockerfile_spans_are_exactly_the_reference_text(lines, noise):
    text = "\n".join(lines + [noise]) + "\n"
    for site in r.find(Path("Dockerfile"), text, "dockerfile"):
        if site.start is not None:
            assert text[site.start:site.end] == site.text
            assert "\n" not in site.text


def test_compose_merges_anchors_aliases_and_quoted_defaults():
    text = ("x-base: &base\n  image: &img nginx:1.25\nservices:\n  web:\n    <<: *base\n  api:\n    <<: *base\n"
            "  side: {image: *img}\n  quoted: {image: \"${Q_IMAGE:-redis:7}\"}\n"
            "  built: {<<: *base, build: .}\n")
    assert [(line, image) for line, _kind, image, _skip in found(text, "compose")] == [(2, "nginx:1.25"),
                                                                                        (9, "redis:7")]
    pinned = pin_all(text, "compose")
    assert pinned == text.replace("nginx:1.25", f"nginx:1.25@{D}").replace("redis:7", f"redis:7@{D}")
    assert yaml.safe_load(pinned)["services"]["api"]["image"] == f"nginx:1.25@{D}"


def test_dockerfile_lines_directives_and_quoted_flags_as_buildkit_reads_them():
    text = ("# copyright=acme\n# escape=`\nFROM \\\n    alpine:3.19\n"
            "LABEL description=\"see\u2028FROM busybox:1.36 for details\"\n"
            "COPY --from=\"busybox:1.36\" /bin/busybox /bb\n")
    assert [(line, image) for line, _kind, image, _skip in found(text, "dockerfile")] == [
        (4, "alpine:3.19"), (6, "busybox:1.36")]
    assert pin_all(text, "dockerfile") == text.replace("alpine:3.19", f"alpine:3.19@{D}").replace(
        '"busybox:1.36"', f'"busybox:1.36@{D}"')


def test_a_merge_of_something_that_is_not_a_mapping_is_invalid_yaml():
    with pytest.raises(InputError, match="not valid YAML .expected a mapping or list of mappings for merging"):
        r.find(Path("compose.yaml"), "services:\n  web:\n    <<: 3\n    image: x:1\n", "compose")
