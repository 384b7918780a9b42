# SPDX-License-Identifier: ISC
# bash completion for smtps(1), also when it is installed as sendmail.
# Copy to /usr/share/bash-completion/completions/smtps, or source it.
# Needs nothing from the bash-completion package.

# Print the config file that smtps would read: -C FILE from the command
# line, else the user's file, else the system's.
_smtps_conffile()
{
	local i w f=""
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		--) break ;;
		-C) f=${COMP_WORDS[i + 1]} ;;
		-C?*) f=${w#-C} ;;
		esac
	done
	if [[ -z $f ]]; then
		f=${XDG_CONFIG_HOME:-$HOME/.config}/smtps/mailrc
		[[ -r $f ]] || f=/etc/smtps/mailrc
	fi
	# a literal "~/" typed on the command line
	# shellcheck disable=SC2088
	[[ $f == "~/"* ]] && f=$HOME/${f#"~/"}
	printf '%s\n' "$f"
}

# Print the values of one keyword ("account" names or "from" addresses).
_smtps_confwords()
{
	local f
	f=$(_smtps_conffile)
	[[ -r $f ]] || return 0
	case $1 in
	account)
		sed -n 's/^[[:space:]]*account[[:space:]]\{1,\}\([^[:space:]:#]\{1,\}\).*/\1/p' "$f" 2>/dev/null
		;;
	from)
		sed -n 's/^[[:space:]]*from[[:space:]]\{1,\}"\{0,1\}\([^"[:space:]#]\{1,\}\).*/\1/p' "$f" 2>/dev/null
		;;
	esac | sort -u
}

_smtps()
{
	local cur prev i w
	local flags="-t -i -oi -f -r -F -v -C -a --account= -bm -bp -bs -bi -bv -q -qI
	    --queue-delete --json --queue-check --queue-check-count --no-queue -B -o -N -R -V -n -X -L -h -O -G -U -m
	    -Am -Ac -d --debug -P --pretend -S --serverinfo --doctor --configure --write --authorize
	    --submit-service --socket --file= --read-recipients --read-envelope-from --host=
	    --port= --tls --tls= --tls-starttls --tls-starttls= --tls-trust-file=
	    --tls-fingerprint= --tls-certcheck --tls-certcheck= --auth --auth=
	    --user= --passwordeval= --from= --domain= --maildomain= --timeout=
	    --aliases= --logfile= --syslog --syslog= --dsn-notify= --dsn-return=
	    --logfile-time-format= --set-from-header --set-from-header=
	    --set-date-header --set-date-header= --set-msgid-header
	    --set-msgid-header= --remove-bcc-headers --remove-bcc-headers=
	    --set-to-header --set-to-header= --undisclosed-recipients
	    --undisclosed-recipients=
	    --help --version --"
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=""
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}

	# --account=NAME: '=' may or may not be a word break
	if [[ $cur == --account=* ]]; then
		local name=${cur#--account=}
		mapfile -t COMPREPLY < <(compgen -P --account= \
		    -W "$(_smtps_confwords account)" -- "$name")
		return 0
	fi
	if [[ $cur == = && $prev == --account ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$(_smtps_confwords account)")
		return 0
	fi
	if [[ $prev == = ]] && ((COMP_CWORD > 1)) &&
	    [[ ${COMP_WORDS[COMP_CWORD - 2]} == --account ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$(_smtps_confwords account)" -- "$cur")
		return 0
	fi

	# options come before recipients: once a recipient or -- was seen,
	# only recipients follow
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		--) return 0 ;;
		-f|-r|-F|-C|-a|-B|-N|-R|-V|-X|-L|-h|-O|-qI|--queue-delete|--configure|--account|\
		    --queue-check|--queue-check-count) ((i++)) ;;
		=) ;;
		-*) ;;
		*)
			# the value after "--account" "=" is not a recipient
			[[ ${COMP_WORDS[i - 1]} == = ]] && continue
			return 0
			;;
		esac
	done

	case $prev in
	-a|--account)
		mapfile -t COMPREPLY < <(compgen -W "$(_smtps_confwords account)" -- "$cur")
		return 0
		;;
	-C)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return 0
		;;
	-f|-r)
		mapfile -t COMPREPLY < <(compgen -W "$(_smtps_confwords from)" -- "$cur")
		return 0
		;;
	-B)
		mapfile -t COMPREPLY < <(compgen -W "7BIT 8BITMIME" -- "$cur")
		return 0
		;;
	-N)
		mapfile -t COMPREPLY < <(compgen -W "never success failure delay
		    success,failure failure,delay success,failure,delay" -- "$cur")
		return 0
		;;
	-R)
		mapfile -t COMPREPLY < <(compgen -W "full hdrs" -- "$cur")
		return 0
		;;
	-X)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return 0
		;;
	--queue-check)
		mapfile -t COMPREPLY < <(compgen -W "30m 1h 30m,2h 1h,1d" -- "$cur")
		return 0
		;;
	-O)
		mapfile -t COMPREPLY < <(compgen -W "smtputf8 requiretls" -- "$cur")
		return 0
		;;
	-F|-V|-L|-h|-qI|--queue-delete|--configure|--queue-check-count)
		return 0
		;;
	esac

	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$flags" -- "$cur")
		# no space after --account= (or any --name=) so the value can follow
		if [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == --*= ]]; then
			compopt -o nospace 2>/dev/null
		fi
	fi
	return 0
}

complete -F _smtps smtps sendmail newaliases
