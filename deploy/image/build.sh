#!/usr/bin/env bash
# Builds the registry's container image with its start-up cache, for this machine's platform, in one command
# (docs/deploy-image.md):
#   1. Jib (the Maven build) makes the image as an OCI tarball, registry-api/target/jib-image.tar;
#   2. podman or buildah builds deploy/image/Containerfile from that tarball: one start of the application inside
#      the image trains the JDK's ahead-of-time cache /app/registry.aot with the image's own JVM;
#   3. the result goes to --to (a registry or a tarball), and stays in the builder's storage as --tag.
# No Docker engine is involved.
#
#   deploy/image/build.sh [--to DESTINATION] [--from IMAGE] [--tag NAME] [--insecure] [-- MAVEN_ARGUMENTS...]
#
#   --to DESTINATION  where the image goes, in podman push's (and buildah push's) words:
#                       docker://HOST/PROJECT/registry:TAG   a registry
#                       oci-archive:FILE                     an OCI image tarball
#                       docker-archive:FILE                  a tarball for `docker load`
#                     default: nowhere, the image is only in the builder's storage
#   --from IMAGE      the base: a Java 25 runtime for this platform with java on PATH and a POSIX shell
#                     (default: jib.from.image of registry-api/pom.xml, eclipse-temurin:25-jre)
#   --tag NAME        the image's name in the builder's storage (default: localhost/registry:VERSION)
#   --insecure        the base's registry and the destination may speak plain HTTP or have certificates that are not
#                     verified (Jib's allowInsecureRegistries, the push's --tls-verify=false)
#   -- ...            more Maven arguments: -Dimage.source=URL, -Djib.from.auth.username=..., -DsendCredentialsOverHttp=true
#
# Environment: BUILDER, the builder and its global options (default: podman if installed, else buildah), e.g.
# BUILDER="podman --storage-driver vfs"; credentials for the push come from its auth file (podman login).
# JAVA_HOME: a JDK 21 or newer for Maven.
set -euo pipefail

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2; exit 2; }

to=""
from=""
tag=""
insecure=false
while [ $# -gt 0 ]; do
  case "$1" in
    --to) to=${2:?--to needs a destination}; shift 2 ;;
    --from) from=${2:?--from needs an image}; shift 2 ;;
    --tag) tag=${2:?--tag needs a name}; shift 2 ;;
    --insecure) insecure=true; shift ;;
    --) shift; break ;;
    -h|--help) usage ;;
    *) echo "unknown option: $1" >&2; usage ;;
  esac
done

cd "$(dirname "$0")/../.."
checkout=$PWD

if [ -z "${BUILDER:-}" ]; then
  if command -v podman >/dev/null; then BUILDER=podman
  elif command -v buildah >/dev/null; then BUILDER=buildah
  else echo "neither podman nor buildah is installed" >&2; exit 1
  fi
fi
read -r -a builder <<<"$BUILDER"

# the platform: this machine's (the cache is per architecture and is trained by running the image)
case "$(uname -m)" in
  x86_64|amd64) arch=amd64 ;;
  aarch64|arm64) arch=arm64 ;;
  *) echo "no image for this machine's architecture: $(uname -m)" >&2; exit 1 ;;
esac

version=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' pom.xml | head -n 1)
tag=${tag:-localhost/registry:$version}
# the name inside Jib's tarball, loaded into the builder's storage by FROM and removed again at the end
jib_image=localhost/registry-jib:$version
tarball=$checkout/registry-api/target/jib-image.tar

maven=(./mvnw -B -pl registry-api -am package jib:buildTar -DskipTests
  # the jar's own start-up cache (target/registry/) is not what goes into the image; the image's generated bean
  # definitions are made for an actuator on a port of its own, as the Helm chart and the compose file run it
  # (docs/deploy-image.md, "Start-up")
  '-P!aot-cache,aot-management-port'
  "-Djib.from.platforms=linux/$arch" -Djib.container.format=OCI "-Dimage=$jib_image")
[ -n "$from" ] && maven+=("-Djib.from.image=$from")
$insecure && maven+=(-Djib.allowInsecureRegistries=true)
echo "+ ${maven[*]} $*" >&2
"${maven[@]}" "$@"

build=("${builder[@]}" build
  # the training needs no network; the image records no builder label (io.buildah.version)
  --network none --identity-label=false
  # no intermediate images kept (the training stage is only a step)
  --layers=false
  --build-arg "BASE=oci-archive:$tarball" -f deploy/image/Containerfile -t "$tag" deploy/image)
echo "+ ${build[*]}" >&2
status=0
"${build[@]}" || status=$?
"${builder[@]}" rmi "$jib_image" >/dev/null 2>&1 || true
[ "$status" -eq 0 ] || exit "$status"

if [ -n "$to" ]; then
  push=("${builder[@]}" push)
  $insecure && push+=(--tls-verify=false)
  push+=("$tag" "$to")
  echo "+ ${push[*]}" >&2
  "${push[@]}"
fi
echo "built $tag (linux/$arch)${to:+, pushed to $to}" >&2
