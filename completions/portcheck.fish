# fish completion for portcheck(1), installed as share/fish/vendor_completions.d/portcheck.fish.
# Target ids come from the installed table (`portcheck --list-targets`).

function __portcheck_targets
    # -t takes a comma-separated list: offer the last item with the ones before it kept.
    set -l head (string replace -r '[^,]*$' '' -- (commandline -ct))
    for id in (portcheck --list-targets 2>/dev/null | awk 'NR > 1 && $1 ~ /^[a-z][a-z0-9._-]*$/ { print $1 }') \
            @supported @all @distros @policies @pypa @rhel @fedora @ubuntu @debian @amazonlinux @sles \
            @opensuse @alpine @arch @manylinux @musllinux
        echo $head$id
    end
end

function __portcheck_check
    not __fish_seen_subcommand_from baseline
end

set -l check '__portcheck_check'
complete -c portcheck -n $check -s h -l help -d 'print the option summary and exit'
complete -c portcheck -n $check -l format -x -a 'text json sarif github markdown junit gitlab html' -d 'output format on stdout'
complete -c portcheck -n $check -l json -r -F -d 'also write the JSON report to FILE'
complete -c portcheck -n $check -l sarif -r -F -d 'also write a SARIF 2.1.0 report to FILE'
complete -c portcheck -n $check -l sarif-root -x -a '(__fish_complete_directories)' -d 'SARIF and GitLab locate files under DIR relative to it'
complete -c portcheck -n $check -l markdown -r -F -d 'also write a Markdown summary to FILE'
complete -c portcheck -n $check -l github -r -F -d 'also write GitHub Actions annotations to FILE'
complete -c portcheck -n $check -l junit -r -F -d 'also write a JUnit XML test report to FILE'
complete -c portcheck -n $check -l gitlab -r -F -d 'also write a GitLab code-quality report to FILE'
complete -c portcheck -n $check -l html -r -F -d 'also write a self-contained HTML report to FILE'
complete -c portcheck -n $check -l config -r -F -d 'project config'
complete -c portcheck -n $check -l no-config -d 'ignore .portcheck.json'
complete -c portcheck -n $check -s o -l output -r -F -d 'write the report to FILE instead of stdout'
complete -c portcheck -n $check -l color -x -a 'auto always never' -d 'colour in text output'
complete -c portcheck -n $check -s t -l target -x -a '(__portcheck_targets)' -d 'target ids or groups'
complete -c portcheck -n $check -l baselines -r -F -d 'JSON table of targets to extend or replace the bundled one'
complete -c portcheck -n $check -l list-targets -d 'print the target table and exit'
complete -c portcheck -n $check -l fail-on -x -a 'warn fail' -d 'lowest verdict that fails the run'
complete -c portcheck -n $check -s j -l jobs -x -d 'files analysed at once'
complete -c portcheck -n $check -l max-memory -x -d 'memory the analysis may plan for (2G, 512M)'
complete -c portcheck -n $check -l exclude -x -d 'leave out files and directories matching GLOB'
complete -c portcheck -n $check -l platform -x -d 'of a multi-platform container image, check only this platform'
complete -c portcheck -n $check -l tree -d "print each file's dependency tree"
complete -c portcheck -n $check -l version -d 'print the version and exit'
complete -c portcheck -n '__fish_use_subcommand' -a baseline -d 'targets of the table from a system'

set -l baseline '__fish_seen_subcommand_from baseline; and not __fish_seen_subcommand_from capture'
set -l capture '__fish_seen_subcommand_from capture'
complete -c portcheck -n $baseline -f -a capture -d 'print this system, or a root, as a target of the table'
complete -c portcheck -n $capture -s h -l help -d 'print the options and exit'
complete -c portcheck -n $capture -l root -x -a '(__fish_complete_directories)' -d 'root file system to read (default /)'
complete -c portcheck -n $capture -l image -r -F -d 'container image to read instead'
complete -c portcheck -n $capture -l platform -x -d 'of a multi-platform image, the platform to capture'
complete -c portcheck -n $capture -l max-memory -x -d 'memory the capture of an image may take (2G, 512M)'
complete -c portcheck -n $capture -l id -x -d 'target id (default: ID-VERSION_ID of os-release)'
complete -c portcheck -n $capture -l name -x -d 'target name (default: PRETTY_NAME of os-release)'
complete -c portcheck -n $capture -l family -x -a 'rhel fedora ubuntu debian amazonlinux sles opensuse alpine arch' -d 'target family'
