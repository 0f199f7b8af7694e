# shellcheck shell=bash
# Installing Kefu's services under systemd: sourced by deploy/kefu (docs/operations.md).
#
#   systemd_install ROOT BIN_DIR [SERVICE…]
#       lays out, under ROOT (/ for a real install, a folder for packaging or a test):
#       /usr/local/bin/kefu-<service>            the release binary, from BIN_DIR
#       /etc/systemd/system/kefu-<service>.service, kefu-<service>-migrate.service, kefu.target
#       /etc/kefu/<service>.env                  from deploy/systemd/env, never over an existing one
#       /usr/share/doc/kefu/                     operations.md and configuration.md
#       and, when ROOT is /, a system user kefu-<service> per service and `systemctl daemon-reload`.
#
# The caller defines `say`, `die` and `ROOT_DIR` (the repository).

systemd_install() {
    local root=${1%/} bin_dir=$2
    shift 2
    local services=("$@") service
    [ -d "$bin_dir" ] || die "no binaries in $bin_dir: build them first (swift build -c release)"
    install -d -m 0755 "$root/usr/local/bin" "$root/etc/systemd/system" "$root/usr/share/doc/kefu"
    install -d -m 0755 "$root/etc/kefu"
    for service in "${services[@]}"; do
        [ -x "$bin_dir/kefu-$service" ] || die "$bin_dir/kefu-$service is missing: build it first"
        install -m 0755 "$bin_dir/kefu-$service" "$root/usr/local/bin/kefu-$service"
        install -m 0644 "$ROOT_DIR/deploy/systemd/kefu-$service.service" "$ROOT_DIR/deploy/systemd/kefu-$service-migrate.service" \
            "$root/etc/systemd/system/"
        if [ -z "$root" ] && ! id "kefu-$service" >/dev/null 2>&1; then
            useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "kefu-$service"
        fi
        local env_file="$root/etc/kefu/$service.env"
        if [ -e "$env_file" ]; then
            say "keeping $env_file"
        else
            install -m 0640 "$ROOT_DIR/deploy/systemd/env/$service.env" "$env_file"
            [ -z "$root" ] && chgrp "kefu-$service" "$env_file"
            say "wrote $env_file: set its CHANGE-ME values"
        fi
    done
    install -m 0644 "$ROOT_DIR/deploy/systemd/kefu.target" "$root/etc/systemd/system/"
    install -m 0644 "$ROOT_DIR/docs/operations.md" "$ROOT_DIR/docs/configuration.md" "$root/usr/share/doc/kefu/"
    if [ -z "$root" ] && [ -d /run/systemd/system ]; then
        systemctl daemon-reload
        say "installed; start with: systemctl enable --now kefu.target"
    else
        say "installed under ${root:-/}"
    fi
}
