# STAND-IN (no Gentoo stage3 can be fetched here, see molecule/portage_standin/README.md).
# Shared by the fake Portage tools: the argv log, make.conf lookups, atom parsing.
mkdir -p /var/log/standin

# Append argv, tab-separated, to /var/log/standin/<tool>.log.
standin_log() {
    tool=$1
    shift
    { printf '%s' "$tool"; for arg in "$@"; do printf '\t%s' "$arg"; done; printf '\n'; } >>"/var/log/standin/$tool.log"
}

# A make.conf variable as Portage sees it: the environment first, then /etc/portage/make.conf, then $2.
standin_conf() {
    eval "value=\${$1:-}"
    if [ -z "$value" ] && [ -f /etc/portage/make.conf ]; then
        value=$(. /etc/portage/make.conf >/dev/null 2>&1; eval "printf %s \"\${$1:-}\"")
    fi
    printf '%s' "${value:-$2}"
}

# <cat>/<pn> of an atom: no operator, version, slot, repository or USE.
standin_cp() {
    printf '%s' "$1" | sed -E 's/^[<>=~!]+//; s/::.*//; s/:.*//; s/\[.*//; s/-[0-9][^/]*$//'
}

standin_installed() {
    ls -d "/var/db/pkg/$1"-[0-9]* >/dev/null 2>&1
}
