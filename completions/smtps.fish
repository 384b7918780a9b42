# SPDX-License-Identifier: ISC
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

for cmd in smtps sendmail newaliases
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
    complete -c $cmd -o bp -d 'List the queue'
    complete -c $cmd -o bs -d 'Speak SMTP on stdin and stdout'
    complete -c $cmd -o bi -d 'Check the aliases file'
    complete -c $cmd -o bv -d 'Ask the server about each recipient, send nothing'
    complete -c $cmd -s q -d 'Deliver every queued message now'
    complete -c $cmd -o qI -x -d 'Deliver one queued message now'
    complete -c $cmd -l queue-delete -x -d 'Remove a queued message'
    complete -c $cmd -l json -d 'With -bp: one JSON object per message and line'
    complete -c $cmd -l queue-check -x -a '30m 1h 30m,2h 1h,1d' -d 'Queue check by age (Nagios exit codes)'
    complete -c $cmd -l queue-check-count -x -d 'Queue check by message count (Nagios exit codes)'
    complete -c $cmd -l no-queue -d 'Do not queue on a temporary failure'
    complete -c $cmd -s N -x -a 'never success failure delay success,failure,delay' -d 'DSN notify'
    complete -c $cmd -s R -x -a 'full hdrs' -d 'DSN return'
    complete -c $cmd -s V -x -d 'DSN envelope ID'
    complete -c $cmd -s n -d 'Do not expand aliases'
    complete -c $cmd -s X -r -F -d 'Traffic log (accepted and ignored)'
    complete -c $cmd -s L -x -d 'Syslog tag (accepted and ignored)'
    complete -c $cmd -s h -x -d 'Hop count (accepted and ignored)'
    complete -c $cmd -s O -x -a 'smtputf8 requiretls' -d 'Require SMTPUTF8 or REQUIRETLS (other options ignored)'
    complete -c $cmd -s G -d 'Gateway submission (accepted and ignored)'
    complete -c $cmd -s U -d 'Initial submission (accepted and ignored)'
    complete -c $cmd -s m -d 'Send to me too (accepted and ignored)'
    complete -c $cmd -o Am -d 'sendmail.cf (accepted and ignored)'
    complete -c $cmd -o Ac -d 'submit.cf (accepted and ignored)'
    complete -c $cmd -s d -l debug -d 'Same as -v'
    complete -c $cmd -s P -l pretend -d 'Print the account that would be used'
    complete -c $cmd -s S -l serverinfo -d 'Print the server TLS certificates and capabilities'
    complete -c $cmd -l doctor -d 'Check every step a send needs and say how to fix the first failure'
    complete -c $cmd -l configure -x -d 'Find the submission server of an address and print an account block'
    complete -c $cmd -l write -d 'With --configure, write the block to the configuration file'
    complete -c $cmd -l authorize -d 'Sign the account in with OAuth2 once and store its tokens'
    complete -c $cmd -l submit-service -d 'Run the system submission service in the foreground'
    complete -c $cmd -l socket -r -F -d 'Socket of the submission service'
    complete -c $cmd -l file -r -F -d 'Read only this configuration file'
    complete -c $cmd -l read-recipients -d 'Same as -t'
    complete -c $cmd -l read-envelope-from -d 'Envelope sender from the From (or an earlier Resent-From) header'
    complete -c $cmd -l host -x -a '(__fish_print_hostnames)' -d 'SMTP server'
    complete -c $cmd -l port -x -d 'Port'
    complete -c $cmd -l tls -f -a 'on off' -d 'TLS on or off'
    complete -c $cmd -l tls-starttls -f -a 'on off' -d 'STARTTLS on or off'
    complete -c $cmd -l tls-trust-file -r -F -d 'CA file'
    complete -c $cmd -l tls-fingerprint -x -d 'SHA-256 fingerprint'
    complete -c $cmd -l tls-certcheck -f -a 'on off' -d 'Check the certificate'
    complete -c $cmd -l auth -f -a 'on off scram-sha-256 scram-sha-1 scram-sha-256-plus scram-sha-1-plus plain login xoauth2 oauthbearer external cram-md5' -d 'Authentication'
    complete -c $cmd -l user -x -d 'User name'
    complete -c $cmd -l passwordeval -x -d 'Password command'
    complete -c $cmd -l from -x -a '(__smtps_senders)' -d 'Envelope sender'
    complete -c $cmd -l domain -x -d 'EHLO name'
    complete -c $cmd -l maildomain -x -d 'Domain for bare recipients'
    complete -c $cmd -l timeout -x -d 'Seconds'
    complete -c $cmd -l aliases -r -F -d 'Aliases file'
    complete -c $cmd -l logfile -r -F -d 'Log file'
    complete -c $cmd -l syslog -f -a 'on off LOG_USER LOG_MAIL LOG_LOCAL0 LOG_LOCAL1 LOG_LOCAL2 LOG_LOCAL3 LOG_LOCAL4 LOG_LOCAL5 LOG_LOCAL6 LOG_LOCAL7' -d 'Syslog facility'
    complete -c $cmd -l dsn-notify -x -d 'DSN notify'
    complete -c $cmd -l dsn-return -x -a 'full headers' -d 'DSN return'
    complete -c $cmd -l logfile-time-format -x -a 'none' -d 'Log time format'
    complete -c $cmd -l set-from-header -f -a 'auto on off' -d 'From header'
    complete -c $cmd -l set-date-header -f -a 'auto off' -d 'Date header'
    complete -c $cmd -l set-msgid-header -f -a 'auto off' -d 'Message-ID header'
    complete -c $cmd -l remove-bcc-headers -f -a 'on off' -d 'Remove Bcc'
    complete -c $cmd -l set-to-header -f -a 'on off undisclosed_recipients' -d 'Replace To, Cc, Bcc'
    complete -c $cmd -l undisclosed-recipients -f -a 'on off' -d 'To: undisclosed-recipients'
    complete -c $cmd -l help -d 'Show the options and exit'
    complete -c $cmd -l version -d 'Show the version and exit'
end
