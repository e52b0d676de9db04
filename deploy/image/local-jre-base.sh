#!/usr/bin/env bash
# Makes a JRE base image from Debian packages, for machines that cannot pull a public base image
# (eclipse-temurin:25-jre, the default of jib.from.image). Needs root, debootstrap and umoci.
#
#   deploy/image/local-jre-base.sh OUT_DIR
#
# writes OUT_DIR, an OCI image layout with the tag "25": Debian trixie (minbase) with
# openjdk-25-jre-headless, for the machine's architecture, in one layer. Copy it into a
# registry Jib can read, e.g.
#   skopeo copy --dest-tls-verify=false oci:OUT_DIR:25 docker://HOST:PORT/base/jre:25
# and build with -Djib.from.image=HOST:PORT/base/jre:25 -Djib.allowInsecureRegistries=true
# (or deploy/image/build.sh --from HOST:PORT/base/jre:25 --insecure ...).
#
# The Debian mirror is MIRROR if set, else the first one in the machine's apt sources
# (/etc/apt/sources.list.d/*.sources, then /etc/apt/sources.list): nothing about the machine is
# written into the project. ContainerImageTest runs this script once and keeps OUT_DIR.
set -euo pipefail

out=${1:?usage: $0 OUT_DIR}
suite=${SUITE:-trixie}
arch=$(dpkg --print-architecture)
# the image's Java: 25, the first with the ahead-of-time cache the image is built with (docs/deploy-image.md)
java=25

mirror=${MIRROR:-}
if [ -z "$mirror" ]; then
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    mirror=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\).*/\1/p' "$f" | grep -v -- '-security' | head -n1 || true)
    [ -n "$mirror" ] && break
  done
fi
if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
  mirror=$(sed -n 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]*\).*/\2/p' /etc/apt/sources.list \
    | grep -v -- '-security' | head -n1 || true)
fi
[ -n "$mirror" ] || { echo "no Debian mirror in the apt sources; set MIRROR" >&2; exit 1; }

for tool in debootstrap umoci; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed (apt-get install $tool)" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/jre-base.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "debootstrap $suite from $mirror ($arch)" >&2
debootstrap --variant=minbase --arch="$arch" --include=openjdk-$java-jre-headless "$suite" "$work/rootfs" "$mirror" \
  >"$work/debootstrap.log" 2>&1 || { tail -n 40 "$work/debootstrap.log" >&2; exit 1; }
# (java itself is not run here: it finds libjli.so through /proc/self/exe, and the chroot has no /proc)
[ -x "$work/rootfs/usr/lib/jvm/java-$java-openjdk-$arch/bin/java" ] \
  || { echo "openjdk-$java-jre-headless did not install" >&2; exit 1; }

# what an image does not need: package caches and lists, documentation, the mirror's address, what the packages'
# scripts left in /tmp (a JVM's hsperfdata_root)
rm -rf "$work/rootfs/var/cache/apt/"* "$work/rootfs/var/lib/apt/lists/"* "$work/rootfs/usr/share/doc/"* \
  "$work/rootfs/usr/share/man/"* "$work/rootfs/usr/share/info/"* "$work/rootfs/var/log/"* \
  "$work/rootfs/etc/apt/sources.list" "$work/rootfs/etc/apt/sources.list.d/"* "$work/rootfs/tmp/"*

tar --numeric-owner --xattrs -C "$work/rootfs" --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' \
  -cf "$work/rootfs.tar" .
umoci init --layout "$work/oci"
umoci new --image "$work/oci:$java"
umoci raw add-layer --image "$work/oci:$java" --history.created_by "debootstrap --variant=minbase $suite + openjdk-$java-jre-headless" \
  "$work/rootfs.tar"
umoci config --image "$work/oci:$java" --os linux --architecture "$arch" \
  --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --config.env JAVA_HOME="/usr/lib/jvm/java-$java-openjdk-$arch" \
  --config.cmd java --config.cmd -version
umoci gc --layout "$work/oci"

rm -rf "$out.partial"
mkdir -p "$(dirname "$out")"
mv "$work/oci" "$out.partial"
rm -rf "$out"
mv "$out.partial" "$out"
echo "$out" >&2
