//! What both binaries (`arena`, `arena-memory`) do around their work: parse
//! the command line (a clap error is one line and exit 2), and turn an error
//! into one line on stderr and an [`Exit`] code: [`Exit::Usage`] for the
//! user's input (a bad flag, an unknown name, nothing to report),
//! [`Exit::Broken`] for anything else, a panic of arena's own included.
use std::process::ExitCode;

/// Arena's exit codes, the same for every command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Everything measured (or skipped for a stated reason) and ok.
    Ok = 0,
    /// A finding about the code measured: a regression (`compare`), a
    /// contract check not ok or a behaviour changed (`conformance`), an
    /// adapter over its tolerance (`overhead`), a self-test that missed.
    Finding = 1,
    /// Bad input: a one-line error, nothing written.
    Usage = 2,
    /// Too noisy to tell (`compare`, `overhead`).
    Inconclusive = 3,
    /// A cell failed: a workload gave a wrong answer, panicked or hung (the
    /// results say which and why); the numbers are incomplete.
    FailedCell = 4,
    /// Arena could not do its job: a build failed, a file could not be read
    /// or written, a child could not be started, or arena itself crashed.
    Broken = 5,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e as u8)
    }
}

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
            return Exit::Usage.into();
        }
        Err(e) => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
    };
    // A reader that stops reading (`arena list | head`) ends the output, quietly.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !message(info.payload()).is_some_and(closed_stdout) {
            default_hook(info);
        }
    }));
    // A panic that reaches here is arena's own (children report theirs):
    // the default hook has printed it; the exit code says arena broke.
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(args))) {
        Ok(Ok(code)) => code,
        Ok(Err(e)) => {
            eprintln!("error: {}", reports::text::one_line(&format!("{e:#}")));
            let held = e.downcast_ref::<crate::lock::LockError>().is_some_and(crate::lock::LockError::is_held);
            let usage = held
                || e.is::<Usage>()
                || e.is::<runners::catalog::UnknownName>()
                || e.is::<reports::merge::NothingToReport>();
            if usage { Exit::Usage } else { Exit::Broken }.into()
        }
        Err(payload) => {
            if message(payload.as_ref()).is_some_and(closed_stdout) { Exit::Ok } else { Exit::Broken }.into()
        }
    }
}

/// A panic's message, when it has one.
fn message(payload: &(dyn std::any::Any + Send)) -> Option<&str> {
    payload.downcast_ref::<String>().map(String::as_str).or_else(|| payload.downcast_ref::<&str>().copied())
}

/// Whether a panic is `print!`'s on a stdout whose reader has gone.
fn closed_stdout(message: &str) -> bool {
    message.starts_with("failed printing to stdout") && message.contains("Broken pipe")
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
