//! End to end: the fixture report's `index.html` opened from `file://` in
//! headless Chromium. The page must run its script without a JavaScript
//! error or any console message, and the DOM Chromium dumps must hold the
//! matrix cells and the chart series the fixture implies.
//!
//! Needs Debian's `chromium` (`.ci/run` installs it). Without it the test
//! prints why and passes, unless `ARENA_REQUIRE_BROWSER=1` (set by `.ci/run`),
//! when it fails. `ARENA_CHROMIUM` names another binary.
mod common;

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("ARENA_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let dirs = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&dirs).map(move |d| d.join(name)))
        .find(|p| p.is_file())
}

/// Runs Chromium on `url`, returning the dumped DOM and what it logged.
fn dump_dom(browser: &PathBuf, url: &str) -> (String, String) {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"])
        .args(["--enable-logging=stderr", "--v=0", "--dump-dom"])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{}: cannot start: {e}", browser.display()));
    let (mut out, mut err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        err.read_to_string(&mut s).unwrap();
        s
    });
    let mut dom = String::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    let stdout = std::thread::spawn(move || {
        let mut s = String::new();
        out.read_to_string(&mut s).unwrap();
        s
    });
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "chromium exited with {status}");
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("chromium did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    dom.push_str(&stdout.join().unwrap());
    (dom, reader.join().unwrap())
}

/// The text between `open` (inclusive) and the next `close`, for each `open`.
fn blocks<'a>(text: &'a str, open: &str, close: &str) -> Vec<&'a str> {
    text.match_indices(open)
        .map(|(i, _)| {
            let rest = &text[i..];
            &rest[..rest.find(close).map_or(rest.len(), |j| j + close.len())]
        })
        .collect()
}

/// `name="value"` in the first tag of `block`.
fn attribute<'a>(block: &'a str, name: &str) -> &'a str {
    let tag = &block[..block.find('>').unwrap()];
    let start = tag.find(&format!("{name}=\"")).unwrap_or_else(|| panic!("no {name} in {tag}")) + name.len() + 2;
    &tag[start..start + tag[start..].find('"').unwrap()]
}

/// Polylines drawn in a colour: the series (axes and ticks are black).
fn coloured_lines(figure: &str) -> usize {
    blocks(figure, "<polyline", "/>").iter().filter(|p| !p.contains("stroke=\"#000000\"")).count()
}

#[test]
fn index_html_renders_in_headless_chromium() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var("ARENA_REQUIRE_BROWSER").as_deref() != Ok("1"),
            "ARENA_REQUIRE_BROWSER=1 but no chromium on PATH (apt-get install -y chromium)"
        );
        eprintln!("skipped: no chromium on PATH (apt-get install -y chromium, or set ARENA_CHROMIUM)");
        return;
    };
    let f = common::fixture();
    let report = reports::merge::build(&f.inputs()).unwrap();
    let written = reports::write(&report, &f.out).unwrap();
    let page = std::fs::read_to_string(&written.index).unwrap();
    for external in ["src=\"http", "href=\"http", "src=\"//", "@import", "url(http"] {
        assert!(!page.contains(external), "the page loads something from the network: {external}");
    }

    let url = format!("file://{}", std::path::absolute(&written.index).unwrap().display());
    let (dom, log) = dump_dom(&browser, &url);
    let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "the page logged to the console:\n{}", console.join("\n"));
    assert!(dom.contains("data-rendered=\"ok\""), "the page's script did not finish:\n{dom}");

    let machines = blocks(&dom, "<section class=\"machine\"", "</section>");
    assert_eq!(machines.len(), 4, "one section per machine");
    /// (chart class, the runtimes it draws, coloured lines: one per series
    /// on a sweep or latency chart; on a side-by-side chart one per interval,
    /// wall and CPU, and no CPU line for a file from before CPU time)
    type Charts = &'static [(&'static str, &'static str, usize)];
    // (label, matrix cells of each core count, charts)
    let expected: [(&str, &[usize], Charts); 4] = [
        (
            "host-a",
            &[3 * 3],
            &[
                ("chart runtimes", "rt-one,rt-two", 4),
                ("chart sweep", "rt-one,rt-two", 2),
                ("chart runtimes", "rt-one", 2),
                ("chart latency", "rt-one", 1),
            ],
        ),
        ("host-b", &[4], &[("chart runtimes", "rt-one,rt-two", 4), ("chart runtimes", "rt-one,rt-two", 4)]),
        ("host-c", &[2, 2], &[("chart runtimes", "rt-one,rt-two", 4), ("chart runtimes", "rt-one,rt-two", 4)]),
        ("host-old", &[2], &[("chart runtimes", "rt-one,rt-two", 2)]),
    ];
    for (section, (label, cells, charts)) in machines.iter().zip(expected) {
        assert_eq!(attribute(section, "data-machine"), label);
        let matrices = blocks(section, "<table class=\"matrix", "</table>");
        let counted: Vec<usize> = matrices.iter().map(|m| m.matches("<td class=\"cell ").count()).collect();
        assert_eq!(counted, cells, "{label}: matrix cells, one matrix per core count");
        let figures = blocks(section, "<figure class=\"chart", "</figure>");
        assert_eq!(figures.len(), charts.len(), "{label}: charts");
        for (figure, (class, runtimes, lines)) in figures.iter().zip(charts) {
            assert_eq!(attribute(figure, "class"), *class);
            assert_eq!(attribute(figure, "data-runtimes"), *runtimes);
            let series = runtimes.split(',').count();
            assert_eq!(attribute(figure, "data-series"), series.to_string());
            assert!(figure.contains("<svg"), "{label}: a chart without its SVG");
            assert_eq!(coloured_lines(figure), *lines, "{label}: {class} for {runtimes}: lines drawn");
        }
    }
    // Side by side, the ties are in the labels: on host-b (300 and 330 ns,
    // CPU 450 and 495) both runtimes are tied on both; on host-c's two
    // cores (300 and 60 ns) only rt-two; the unranked old file marks none.
    let labels = |section: &str| -> Vec<String> {
        let figure = blocks(section, "<figure class=\"chart runtimes", "</figure>")[0];
        let mut labels: Vec<String> = blocks(figure, "<text", "</text>")
            .iter()
            .map(|t| t[t.find('>').unwrap() + 1..t.len() - "</text>".len()].trim().to_owned())
            .filter(|t| t.starts_with("rt-"))
            .collect();
        labels.sort();
        labels
    };
    assert_eq!(labels(machines[1]), ["rt-one ★ ◆", "rt-two ★ ◆"]);
    let two_cores =
        &machines[2][machines[2].find("<figure class=\"chart runtimes\" data-cores=\"2 cores\"").unwrap()..];
    assert_eq!(labels(two_cores), ["rt-one", "rt-two ★ ◆"]);
    assert_eq!(labels(machines[3]), ["rt-one", "rt-two"]);
    // The seam's measured price is in its cell.
    assert!(machines[0].contains("<span class=\"adapter\">adapter +25 %</span>"), "rt-two's ping_pong is priced");
    // A runtime's file cells through a stand-in for a file API are listed.
    assert!(
        machines[1].contains(
            "<ul class=\"stand-ins\"><li>rt-two: no file API of its own: std::fs, a new thread per call</li></ul>"
        ),
        "host-b lists rt-two's stand-in"
    );
    // The gaps are marked, not blank or zero.
    assert!(dom.contains("<td class=\"cell not-measured\""), "not-measured cells are marked");
    assert!(dom.contains(">FAILED</span></td>"), "the failed cell says so");
    // Only the ranked matrices mark ties; the old file's is unranked.
    assert!(dom.contains("<table class=\"matrix unranked\" data-cores=\"cores not held equal\""));
}
