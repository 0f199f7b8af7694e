# shellcheck shell=bash
# OCI images of Kefu's services, built without a container engine: umoci lays out the image and
# skopeo saves it as an OCI archive (docs/operations.md, "Container images"). Sourced by deploy/kefu.
#
#   image_build SERVICE BIN_DIR OUT_DIR VERSION
#       OUT_DIR/kefu-SERVICE.oci.tar, an OCI archive tagged VERSION, holding:
#       /usr/local/bin/kefu-SERVICE    the binary from BIN_DIR
#       the shared libraries it loads (ldd: libpq, librabbitmq, libcurl, ICU, the Swift runtime,
#       glibc) and the resolver's NSS modules, with the dynamic loader
#       /etc/ssl/certs/ca-certificates.crt, /usr/share/zoneinfo, /etc/passwd and /etc/group
#       with the user kefu (10001), as which the image runs
#       OCI labels: org.opencontainers.image.version, .revision, .source, .title
#
# The caller defines `say`, `die` and `ROOT_DIR` (the repository).

IMAGE_UID=10001

image_ports() {
    case "$1" in
    intake) echo 8081 ;; classification) echo 8082 ;; dispatch) echo 8083 ;; notification) echo 8084 ;;
    survey) echo 8085 ;; console) echo 8086 ;; knowledge) echo 8087 ;; *) die "no such service: $1" ;;
    esac
}

# Every file the binary needs at run time that ldd can name, and the NSS modules glibc loads by
# name for getaddrinfo (which ldd cannot see).
image_libraries() {
    local binary=$1 nss
    ldd "$binary" | awk '/=> \// { print $3 } /^\t\/[^ ]+ \(/ { print $1 }'
    for nss in libnss_files.so.2 libnss_dns.so.2 libresolv.so.2; do
        nss=$(ldconfig -p | awk -v name="$nss" '$1 == name && /x86-64|aarch64/ { print $NF; exit }')
        [ -n "$nss" ] && echo "$nss"
    done
}

image_rootfs() {
    local service=$1 binary=$2 rootfs=$3 library target
    install -d -m 0755 "$rootfs/usr/local/bin" "$rootfs/etc/ssl/certs" "$rootfs/usr/share" "$rootfs/tmp"
    chmod 1777 "$rootfs/tmp"
    install -m 0755 "$binary" "$rootfs/usr/local/bin/kefu-$service"
    while read -r library; do
        [ -n "$library" ] || continue
        # Keep the path the binary's loader looks under, and the real file behind a symlink.
        target="$rootfs$library"
        install -d -m 0755 "$(dirname "$target")"
        cp -L "$library" "$target"
    done < <(image_libraries "$binary" | sort -u)
    cp -L /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/"
    cp -a /usr/share/zoneinfo "$rootfs/usr/share/"
    printf 'root:x:0:0:root:/nonexistent:/usr/sbin/nologin\nkefu:x:%s:%s:kefu:/nonexistent:/usr/sbin/nologin\n' \
        "$IMAGE_UID" "$IMAGE_UID" >"$rootfs/etc/passwd"
    printf 'root:x:0:\nkefu:x:%s:\n' "$IMAGE_UID" >"$rootfs/etc/group"
    printf 'hosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
    printf '127.0.0.1 localhost\n::1 localhost\n' >"$rootfs/etc/hosts"
}

image_build() {
    local service=$1 bin_dir=$2 out=$3 version=$4 work layout revision port
    local binary="$bin_dir/kefu-$service"
    [ -x "$binary" ] || die "$binary is missing: build it first"
    port=$(image_ports "$service")
    revision=$(git -C "$ROOT_DIR" rev-parse HEAD 2>/dev/null || echo unknown)
    work=$(mktemp -d)
    layout="$work/layout"
    umoci init --layout "$layout"
    umoci new --image "$layout:$version"
    umoci unpack --rootless --image "$layout:$version" "$work/bundle" >/dev/null
    image_rootfs "$service" "$binary" "$work/bundle/rootfs"
    umoci repack --image "$layout:$version" "$work/bundle"
    umoci config --image "$layout:$version" \
        --config.user "$IMAGE_UID:$IMAGE_UID" --config.entrypoint "/usr/local/bin/kefu-$service" \
        --config.workingdir / --config.exposedports "$port/tcp" \
        --config.env "KEFU_HTTP_HOST=0.0.0.0" --config.env "KEFU_HTTP_PORT=$port" --config.env "SWIFT_BACKTRACE=enable=no" \
        --config.env "TZDIR=/usr/share/zoneinfo" \
        --config.label "org.opencontainers.image.title=kefu-$service" \
        --config.label "org.opencontainers.image.version=$version" \
        --config.label "org.opencontainers.image.revision=$revision" \
        --config.label "org.opencontainers.image.source=https://github.com/kefu/kefu" \
        --config.label "org.opencontainers.image.licenses=proprietary" \
        --history.comment "kefu-$service $version ($revision), built by deploy/kefu image"
    umoci gc --layout "$layout"
    install -d "$out"
    rm -f "$out/kefu-$service.oci.tar"
    skopeo copy --quiet "oci:$layout:$version" "oci-archive:$out/kefu-$service.oci.tar:$version"
    rm -rf "$work"
    say "kefu-$service: $out/kefu-$service.oci.tar ($(du -h "$out/kefu-$service.oci.tar" | cut -f1), $(image_layer_size "$out/kefu-$service.oci.tar"))"
}

# The archive's compressed layer bytes, as a registry would store them.
image_layer_size() {
    tar -tvf "$1" | awk '{ total += $3 } END { printf "%.1f MB in all", total / 1e6 }'
}

# Unpacks an OCI archive's root filesystem into DIR, as a runtime would (umoci, rootless).
image_unpack() {
    local archive=$1 dir=$2 work
    work=$(mktemp -d)
    skopeo copy --quiet "oci-archive:$archive" "oci:$work/layout:run"
    umoci unpack --rootless --image "$work/layout:run" "$dir" >/dev/null
    rm -rf "$work"
}
