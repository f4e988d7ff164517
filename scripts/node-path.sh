# Sourced by scripts/setup.sh, test.sh, run.sh and bench.sh: when scripts/setup-node.sh installed
# Node.js and npm into .tools (because the system's Node.js is missing or too old), puts .tools/bin
# first on PATH, so that every node and npm the scripts run, and everything those run, is that one.
# TELLTALE_TOOLS overrides .tools.
_telltale_tools=${TELLTALE_TOOLS:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.tools}
if [ -x "$_telltale_tools/bin/node" ]; then
  _telltale_tools=$(cd "$_telltale_tools" && pwd)
  case ":$PATH:" in
    ":$_telltale_tools/bin:"*) ;;
    *) PATH="$_telltale_tools/bin:$PATH" ;;
  esac
  export PATH
fi
unset _telltale_tools
