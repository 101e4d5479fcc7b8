//! What both binaries (`arena`, `arena-memory`) do around their work: parse
//! the command line (a clap error is one line and exit 2), and turn an error
//! into one line on stderr and an exit code: 2 for the user's input (a bad
//! flag, an unknown name, nothing to report), 1 for anything else.
use std::process::ExitCode;

/// An error that is the user's input, not the run: exit code 2.
#[derive(Debug)]
pub struct Usage(pub String);

impl std::fmt::Display for Usage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Usage {}

/// Checks a core count given to `flag`: at least one, at most the
/// `available` CPUs.
pub fn check_cores(flag: &str, n: usize, available: usize) -> Result<(), Usage> {
    if n == 0 || n > available {
        return Err(Usage(format!("{flag}: {n} is not between 1 and the {available} CPUs this process may run on")));
    }
    Ok(())
}

/// Parses `C` from the command line and runs `work` with it.
pub fn main<C: clap::Parser>(name: &str, work: impl FnOnce(C) -> anyhow::Result<ExitCode>) -> ExitCode {
    let args = match C::try_parse() {
        Ok(args) => args,
        Err(e) if e.use_stderr() => {
            // clap's own message, first line only, with the hint on the same line.
            let msg = e.to_string();
            eprintln!("{} (try: {name} --help)", msg.lines().next().unwrap_or("error: bad arguments"));
            return ExitCode::from(2);
        }
        Err(e) => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
    };
    match work(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            let usage =
                e.is::<Usage>() || e.is::<runners::harness::UnknownName>() || e.is::<reports::merge::NothingToReport>();
            ExitCode::from(if usage { 2 } else { 1 })
        }
    }
}
