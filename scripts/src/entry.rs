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
            match value_error(&e) {
                Some(line) => eprintln!("error: {line}"),
                // clap's own message, first line only, with the hint on the same line.
                None => {
                    eprintln!("{} (try: {name} --help)", e.to_string().lines().next().unwrap_or("error: bad arguments"))
                }
            }
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
                e.is::<Usage>() || e.is::<runners::catalog::UnknownName>() || e.is::<reports::merge::NothingToReport>();
            ExitCode::from(if usage { 2 } else { 1 })
        }
    }
}

/// A bad value of a flag, in the house style `--flag: why`: the parser's own
/// reason (`--size: 'lots' is not test, quick, …`), or for a flag with a
/// fixed set of values, `'x' is not a, b or c`. `None` for other errors
/// (a missing or unknown flag), which clap words itself.
fn value_error(e: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let flag = match e.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(arg)) => arg.split_whitespace().next().unwrap_or(arg).to_owned(),
        _ => return None,
    };
    let value = match e.get(ContextKind::InvalidValue) {
        Some(ContextValue::String(v)) => v.clone(),
        _ => return None,
    };
    match e.kind() {
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(e).map(ToString::to_string)?;
            Some(format!("{flag}: {why}"))
        }
        ErrorKind::InvalidValue => {
            let Some(ContextValue::Strings(valid)) = e.get(ContextKind::ValidValue) else { return None };
            let valid = match valid.split_last() {
                Some((last, [])) => last.clone(),
                Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
                None => return None,
            };
            Some(format!("{flag}: '{value}' is not {valid}"))
        }
        _ => None,
    }
}
