# bash completion for portcheck(1)                               -*- shell-script -*-
# Installed as share/bash-completion/completions/portcheck. Target ids come from the installed
# table (`portcheck --list-targets`), so a newer portcheck completes its new targets.

_portcheck_targets() {
    "$1" --list-targets 2>/dev/null |
        awk 'NR > 1 && $1 ~ /^[a-z][a-z0-9._-]*$/ { print $1 }'
    printf '%s\n' @supported @all @distros @policies @pypa @rhel @fedora @ubuntu @debian \
        @amazonlinux @sles @opensuse @alpine @arch @manylinux @musllinux
}

_portcheck_baseline() {
    local cur=$1 prev=$2
    if ((COMP_CWORD == 2)); then
        COMPREPLY=($(compgen -W 'capture --help' -- "$cur"))
        return
    fi
    case $prev in
        --root)
            COMPREPLY=($(compgen -d -- "$cur"))
            return
            ;;
        --image)
            COMPREPLY=($(compgen -f -- "$cur"))
            return
            ;;
        --id | --name | --family | --platform | --max-memory)
            return
            ;;
    esac
    COMPREPLY=($(compgen -W '--root --image --platform --max-memory --id --name --family --help' -- "$cur"))
}

_portcheck() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    if [[ ${COMP_WORDS[1]} == baseline ]] && ((COMP_CWORD > 1)); then
        _portcheck_baseline "$cur" "$prev"
        return
    fi
    case $prev in
        --format)
            COMPREPLY=($(compgen -W 'text json sarif github markdown junit gitlab html' -- "$cur"))
            return
            ;;
        --color)
            COMPREPLY=($(compgen -W 'auto always never' -- "$cur"))
            return
            ;;
        --fail-on)
            COMPREPLY=($(compgen -W 'warn fail' -- "$cur"))
            return
            ;;
        -t | --target)
            # A comma-separated list: complete the last item, keep the ones before it.
            local head=
            [[ $cur == *,* ]] && head=${cur%,*},
            COMPREPLY=($(compgen -P "$head" -W "$(_portcheck_targets "${COMP_WORDS[0]}")" \
                -- "${cur##*,}"))
            compopt -o nospace 2>/dev/null
            return
            ;;
        -o | --output | --json | --sarif | --markdown | --github | --junit | --gitlab | --html | --config \
            | --baselines)
            COMPREPLY=($(compgen -f -- "$cur"))
            return
            ;;
        --sarif-root)
            COMPREPLY=($(compgen -d -- "$cur"))
            return
            ;;
        -j | --jobs | --max-memory | --exclude | --platform)
            return
            ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W '--help --format --json --sarif --sarif-root --markdown --github
            --junit --gitlab --html --config --no-config --output --color --target --baselines --list-targets --fail-on --jobs
            --max-memory --exclude --platform --tree --version' -- "$cur"))
        return
    fi
    COMPREPLY=($(compgen -f -- "$cur"))
    ((COMP_CWORD == 1)) && COMPREPLY+=($(compgen -W baseline -- "$cur"))
}

complete -F _portcheck -o filenames portcheck
