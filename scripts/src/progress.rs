//! How a long command (run, scale, conformance, compare) shows it is alive:
//! a bar on a terminal, and one line per finished item where stderr is not a
//! terminal (a CI log, `2> file`), where a bar would hide itself and print
//! nothing for the whole run. Lines that must be seen (a failed cell) are
//! printed either way, in red on a terminal unless `NO_COLOR` is set.
use std::io::IsTerminal;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};

/// The progress of `len` items.
#[derive(Debug)]
pub struct Progress {
    /// On a terminal only.
    bar: Option<ProgressBar>,
    len: usize,
    done: usize,
    start: Instant,
    colour: bool,
}

impl Progress {
    /// A bar on a terminal, else a line per item, both on stderr.
    pub fn new(len: usize) -> Self {
        let terminal = std::io::stderr().is_terminal();
        let bar = terminal.then(|| {
            let bar = ProgressBar::new(len as u64);
            bar.set_style(
                ProgressStyle::with_template("{bar:30} {pos}/{len} {msg} [{elapsed}]").expect("valid template"),
            );
            bar
        });
        Progress { bar, len, done: 0, start: Instant::now(), colour: terminal && reports::terminal::colour_allowed() }
    }

    /// What is being worked on now (on the bar; a line says it when done).
    pub fn working_on(&self, what: impl Into<String>) {
        if let Some(bar) = &self.bar {
            bar.set_message(what.into());
        }
    }

    /// One item is done: `line` says how it went (printed where there is no bar).
    pub fn finished(&mut self, line: impl AsRef<str>) {
        self.done += 1;
        match &self.bar {
            Some(bar) => bar.inc(1),
            None => {
                eprintln!("[{}/{} {}] {}", self.done, self.len, elapsed(self.start.elapsed().as_secs()), line.as_ref())
            }
        }
    }

    /// One item is done, and `line` is shown bar or not (red if `bad`).
    pub fn finished_shown(&mut self, line: impl AsRef<str>, bad: bool) {
        match &self.bar {
            Some(bar) => {
                bar.println(self.paint(line.as_ref(), bad));
                self.done += 1;
                bar.inc(1);
            }
            None => self.finished(line),
        }
    }

    fn paint(&self, line: &str, bad: bool) -> String {
        if self.colour && bad { format!("\x1b[31m{line}\x1b[0m") } else { line.to_owned() }
    }

    /// A line that must be seen, bar or not: a failure.
    pub fn warn(&self, line: impl AsRef<str>) {
        let line = self.paint(line.as_ref(), true);
        match &self.bar {
            Some(bar) => bar.println(line),
            None => eprintln!("{line}"),
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// `m:ss` or `h:mm:ss`.
fn elapsed(s: u64) -> String {
    match s {
        0..3600 => format!("{}:{:02}", s / 60, s % 60),
        _ => format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elapsed_time_reads_as_a_clock() {
        assert_eq!(elapsed(0), "0:00");
        assert_eq!(elapsed(75), "1:15");
        assert_eq!(elapsed(3600 + 62), "1:01:02");
    }
}
