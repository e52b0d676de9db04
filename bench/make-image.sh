#!/usr/bin/env bash
# Writes a deterministic OCI image layout (no umoci needed): LAYERS gzip-compressed tar layers,
# each holding one file of LAYER_MIB MiB (or, written as 100k, KiB) of incompressible (AES-CTR
# keystream) bytes, a config and a manifest, tagged TAG in index.json.
#
#   bench/make-image.sh OUT_DIR TAG LAYERS LAYER_MIB [SEED]
#
# The same arguments always give the same digests. Layers are stored gzip -1 (the data is
# random, so they stay about the same size) so that skopeo pushes them as they are instead of
# compressing them on the fly, which would measure gzip rather than the registry.
set -euo pipefail

out=$1 tag=$2 layers=$3 mib=$4 seed=${5:-bench}
if [[ $mib =~ ^([0-9]+)k$ ]]; then bytes=$((BASH_REMATCH[1] * 1024)); else bytes=$((mib * 1024 * 1024)); fi

mkdir -p "$out/blobs/sha256"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

blob() { # FILE -> moves it into blobs/sha256, prints "digest size"
    local d size
    d=$(sha256sum "$1" | cut -d' ' -f1)
    size=$(stat -c %s "$1")
    mv "$1" "$out/blobs/sha256/$d"
    echo "$d $size"
}

layer_descs=() diff_ids=()
for ((i = 0; i < layers; i++)); do
    key=$(printf '%s-%s-%s-%s' "$seed" "$tag" "$mib" "$i" | sha256sum | cut -c1-32)
    mkdir -p "$scratch/root$i"
    head -c "$bytes" /dev/zero \
        | openssl enc -aes-128-ctr -K "$key" -iv 00000000000000000000000000000000 -nosalt \
        > "$scratch/root$i/layer$i.bin"
    touch -d @0 "$scratch/root$i/layer$i.bin"
    tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=posix \
        --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
        -C "$scratch/root$i" -cf "$scratch/layer$i.tar" "layer$i.bin"
    rm -rf "$scratch/root$i"
    diff_ids+=("sha256:$(sha256sum "$scratch/layer$i.tar" | cut -d' ' -f1)")
    gzip -n -1 -c "$scratch/layer$i.tar" > "$scratch/layer$i.tar.gz"
    rm -f "$scratch/layer$i.tar"
    read -r d size < <(blob "$scratch/layer$i.tar.gz")
    layer_descs+=("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:$d\",\"size\":$size}")
done

ids=$(IFS=,; printf '"%s"' "${diff_ids[*]}" | sed 's/,/","/g')
printf '{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":[%s]}}' "$ids" \
    > "$scratch/config.json"
read -r cd csize < <(blob "$scratch/config.json")

descs=$(IFS=,; echo "${layer_descs[*]}")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[%s]}' \
    "$cd" "$csize" "$descs" > "$scratch/manifest.json"
read -r md msize < <(blob "$scratch/manifest.json")

printf '{"imageLayoutVersion":"1.0.0"}' > "$out/oci-layout"
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' \
    "$md" "$msize" "$tag" > "$out/index.json"
echo "sha256:$md"
