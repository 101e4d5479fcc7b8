//! `arena list`: the runtimes, workloads, contract checks and behaviour
//! probes as terminal tables, or (`--json`) as one JSON document for
//! scripts and tests. (Results are printed by `reports::terminal`.)
use comfy_table::Table;
use comfy_table::presets::UTF8_FULL_CONDENSED;
use runners::catalog;

fn table(header: Vec<String>) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED).set_header(header);
    t
}

pub fn print_list() {
    let mut t = table(["runtime", "what it runs", "files", "limits"].map(String::from).to_vec());
    for r in catalog::runtimes() {
        let mut limits = Vec::new();
        if let Some(cap) = r.max_tasks {
            limits.push(format!("at most {cap} tasks"));
        }
        if let Some(why) = r.no_remote_spawn {
            limits.push(format!("no outside spawns ({why})"));
        }
        t.add_row(vec![r.id.to_owned(), r.summary.to_owned(), r.files.to_owned(), limits.join("; ")]);
    }
    println!("{t}");
    if let Some(line) = runners::families::not_built_line() {
        println!("{line}");
    }
    let mut t =
        table(["workload", "family", "size counts", "quick", "bench sizes", "what it does"].map(String::from).to_vec());
    for w in catalog::workloads() {
        let bench = w.sizes.bench.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(", ");
        let summary = match w.twin_of {
            Some(of) => format!("native twin of {of}: the runtime's own spawn/join, no adapter"),
            None => w.summary.to_owned(),
        };
        t.add_row(vec![
            w.name.to_owned(),
            w.family.to_owned(),
            w.unit.to_owned(),
            w.sizes.quick.to_string(),
            bench,
            summary,
        ]);
    }
    println!("{t}");
    let mut t = table(["contract check", "what every runtime must do"].map(String::from).to_vec());
    for c in runners::conformance::checks() {
        t.add_row(vec![c.name, c.claim]);
    }
    println!("{t}");
    let mut t = table(["behaviour probe", "what it asks, and its outcomes"].map(String::from).to_vec());
    for p in runners::conformance::probes() {
        t.add_row(vec![p.name, p.question]);
    }
    println!("{t}");
}

/// `arena list --json`: what `print_list` shows, as one JSON document.
pub fn print_list_json() -> anyhow::Result<()> {
    use serde_json::json;
    let runtimes: Vec<_> = catalog::runtimes()
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "family": runners::families::of(r.id).map(|f| f.feature),
                "summary": r.summary,
                "max_tasks": r.max_tasks,
                "no_remote_spawn": r.no_remote_spawn,
                "files": { "api": r.files, "own": r.own_files },
            })
        })
        .collect();
    let workloads: Vec<_> = catalog::workloads()
        .iter()
        .map(|w| {
            json!({
                "name": w.name,
                "family": w.family,
                "unit": w.unit,
                "quick": w.sizes.quick,
                "bench": w.sizes.bench,
                "twin_of": w.twin_of,
                "summary": w.summary,
            })
        })
        .collect();
    let checks: Vec<_> =
        runners::conformance::checks().iter().map(|c| json!({ "name": c.name, "claim": c.claim })).collect();
    let probes: Vec<_> =
        runners::conformance::probes().iter().map(|p| json!({ "name": p.name, "question": p.question })).collect();
    let not_built: Vec<_> = runners::families::not_built().map(|f| f.feature).collect();
    let listing = json!({
        "runtimes": runtimes,
        "workloads": workloads,
        "checks": checks,
        "probes": probes,
        "not_built": not_built,
    });
    println!("{}", serde_json::to_string_pretty(&listing)?);
    Ok(())
}
