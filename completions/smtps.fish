# fish completion for smtps(1), also when it is installed as sendmail.
# Copy to ~/.config/fish/completions/smtps.fish (and sendmail.fish).

# The config file smtps would read: -C FILE, else the user's, else /etc.
function __smtps_conffile
    set -l words (commandline -opc)
    set -l f
    set -l i 1
    while test $i -le (count $words)
        switch $words[$i]
            case -C
                set i (math $i + 1)
                if test $i -le (count $words)
                    set f $words[$i]
                end
            case '-C?*'
                set f (string sub -s 3 -- $words[$i])
        end
        set i (math $i + 1)
    end
    if test -z "$f"
        set -l base $HOME/.config
        if set -q XDG_CONFIG_HOME; and test -n "$XDG_CONFIG_HOME"
            set base $XDG_CONFIG_HOME
        end
        set f $base/smtps/mailrc
        test -r $f; or set f /etc/smtps/mailrc
    end
    string replace -r '^~/' "$HOME/" -- $f
end

function __smtps_accounts
    set -l f (__smtps_conffile)
    test -r "$f"; or return 0
    string replace -rf '^\s*account\s+([^\s:#]+).*' '$1' <$f | sort -u
end

function __smtps_senders
    set -l f (__smtps_conffile)
    test -r "$f"; or return 0
    string replace -rf '^\s*from\s+"?([^"\s#]+).*' '$1' <$f | sort -u
end

for cmd in smtps sendmail
    complete -c $cmd -s t -d 'Also take recipients from To, Cc and Bcc'
    complete -c $cmd -s i -d 'Accepted: input is always read to end of file'
    complete -c $cmd -o oi -d 'Accepted: input is always read to end of file'
    complete -c $cmd -s f -x -a '(__smtps_senders)' -d 'Envelope sender'
    complete -c $cmd -s r -x -a '(__smtps_senders)' -d 'Envelope sender, same as -f'
    complete -c $cmd -s F -x -d 'Full name for an added From header'
    complete -c $cmd -s v -d 'Show the SMTP transcript on stderr'
    complete -c $cmd -s C -r -F -d 'Read only this configuration file'
    complete -c $cmd -s a -l account -x -a '(__smtps_accounts)' -d 'Use this account'
    complete -c $cmd -o bm -d 'Read a message and send it (default)'
    complete -c $cmd -s B -x -a '7BIT 8BITMIME' -d 'Body type (accepted and ignored)'
    complete -c $cmd -s o -x -d 'Sendmail option (accepted and ignored)'
    complete -c $cmd -l help -d 'Show the options and exit'
    complete -c $cmd -l version -d 'Show the version and exit'
end
