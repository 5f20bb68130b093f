//! The `runitctl` multi-call binary: the personality comes from argv[0] or the first argument.

fn main() {
    std::process::exit(runitctl::multicall::main(std::env::args_os().collect()));
}
