//! The builds `arena compare` compares: two git revisions, or this checkout
//! with two versions (or a local checkout) of one runtime crate, or binaries
//! built elsewhere. Base is built twice, from two copies of its source, for
//! the A/A calibration: the second build differs only where a build may
//! (paths, layout), which is part of the noise the gate must rise above.
//!
//! Every build uses the same toolchain, profile (`release`, with the
//! codegen units the caller asks for: `CARGO_PROFILE_RELEASE_CODEGEN_UNITS`)
//! and, with `--locked`, each source's own lockfile; all share one target
//! directory so dependencies compile once, and each `arena` binary is
//! copied out.
//!
//! Where a source builds runtime families apart (each a cargo feature of
//! `scripts`), every role is built once per family compared, with that family
//! alone: a family's cells then run in a binary that holds no other family's
//! code, so a change to one family (its adapter, or a crate only it uses)
//! cannot move another's machine code through the compiler's partitioning and
//! inlining of one shared binary. An older source is built whole, as before.
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, bail};
use reports::gate::{Build, FamilyBinary};

use crate::Usage;
use crate::cli::CompareArgs;

/// What can be checked of the builds asked for without building anything
/// (binaries that exist, revisions that name commits, something to compare),
/// so that bad input is refused before any directory is locked or written.
pub fn check(args: &CompareArgs) -> anyhow::Result<()> {
    if let (Some(base), Some(head)) = (&args.base_bin, &args.head_bin) {
        let aa = args.aa_bin.as_ref().unwrap_or(base);
        for (path, flag) in [(base, "--base-bin"), (aa, "--aa-bin"), (head, "--head-bin")] {
            must_exist(path, flag)?;
        }
        return Ok(());
    }
    let repo = absolute(&args.repo)?;
    if let (Some(base), Some(head)) = (&args.base, &args.head) {
        rev_parse(&repo, base).map_err(|e| Usage(format!("--base {base}: {e}")))?;
        rev_parse(&repo, head).map_err(|e| Usage(format!("--head {head}: {e}")))?;
        return Ok(());
    }
    if args.krate.is_none() {
        bail!(Usage("say what to compare: --base/--head REV, --crate NAME, or --base-bin/--head-bin".into()));
    }
    rev_parse(&repo, "HEAD").map_err(|e| Usage(format!("--repo {}: {e}", repo.display())))?;
    Ok(())
}

/// The three builds, in the order base, base2 (A/A), head, of the runtime
/// `families` the compared cells belong to, each with `codegen_units`
/// (binaries given are taken as they are).
pub fn prepare(args: &CompareArgs, families: &[&str], codegen_units: u32) -> anyhow::Result<[Build; 3]> {
    if let (Some(base), Some(head)) = (&args.base_bin, &args.head_bin) {
        let aa = args.aa_bin.as_ref().unwrap_or(base);
        let (base_what, aa_what) = match &args.aa_bin {
            Some(_) => ("binary", "binary (a second build of base)"),
            None => ("binary", "the base binary again, in processes of its own"),
        };
        return Ok([
            existing("base", base, "--base-bin", base_what)?,
            existing("base2", aa, "--aa-bin", aa_what)?,
            existing("head", head, "--head-bin", "binary")?,
        ]);
    }
    let shop = Workshop { work: absolute(&args.work_dir)?, codegen_units };
    let work = &shop.work;
    if let (Some(base), Some(head)) = (&args.base, &args.head) {
        let repo = absolute(&args.repo)?;
        let base_sha = rev_parse(&repo, base).map_err(|e| Usage(format!("--base {base}: {e}")))?;
        let head_sha = rev_parse(&repo, head).map_err(|e| Usage(format!("--head {head}: {e}")))?;
        let mut builds = Vec::new();
        for (role, rev, sha) in [("base", base, &base_sha), ("base2", base, &base_sha), ("head", head, &head_sha)] {
            let src = work.join(format!("src-{role}"));
            export(&repo, sha, &src)?;
            let what = format!("git {rev} ({})", &sha[..12.min(sha.len())]);
            builds.push(shop.build(role, &src, what, families)?);
        }
        return Ok(builds.try_into().expect("three builds"));
    }
    let Some(krate) = &args.krate else {
        bail!(Usage("say what to compare: --base/--head REV, --crate NAME, or --base-bin/--head-bin".into()));
    };
    let repo = absolute(&args.repo)?;
    let sha = rev_parse(&repo, "HEAD").map_err(|e| Usage(format!("--repo {}: {e}", repo.display())))?;
    let sides = [
        ("base", args.base_version.as_deref(), args.base_path.as_deref()),
        ("base2", args.base_version.as_deref(), args.base_path.as_deref()),
        ("head", args.head_version.as_deref(), args.head_path.as_deref()),
    ];
    let mut builds = Vec::new();
    for (role, version, path) in sides {
        let src = work.join(format!("src-{role}"));
        export(&repo, &sha, &src)?;
        let flag = if role == "head" { "head" } else { "base" };
        let what = pin(&src, krate, version, path, flag)?;
        builds.push(shop.build(role, &src, what, families)?);
    }
    Ok(builds.try_into().expect("three builds"))
}

fn existing(role: &str, path: &Path, flag: &str, what: &str) -> anyhow::Result<Build> {
    must_exist(path, flag)?;
    Ok(Build { role: role.into(), what: what.into(), binary: path.display().to_string(), families: Vec::new() })
}

/// A binary given to `flag` is a file, or one line of bad input.
fn must_exist(path: &Path, flag: &str) -> anyhow::Result<()> {
    if !path.is_file() {
        bail!(Usage(format!("{flag} {}: no such file", path.display())));
    }
    Ok(())
}

fn absolute(path: &Path) -> anyhow::Result<PathBuf> {
    std::path::absolute(path).with_context(|| format!("{}", path.display()))
}

/// The commit a revision names in `repo`.
fn rev_parse(repo: &Path, rev: &str) -> Result<String, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["rev-parse", "--verify", "--quiet", &format!("{rev}^{{commit}}")])
        .output()
        .map_err(|e| format!("git: {e}"))?;
    if !out.status.success() {
        return Err(format!("not a commit in {}", repo.display()));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// A fresh copy of `sha`'s tree (what `git archive` exports) in `dir`.
fn export(repo: &Path, sha: &str, dir: &Path) -> anyhow::Result<()> {
    if dir.exists() {
        fs::remove_dir_all(dir).with_context(|| format!("clearing {}", dir.display()))?;
    }
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut archive = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["archive", "--format=tar", sha])
        .stdout(Stdio::piped())
        .spawn()
        .context("starting git archive")?;
    // `-m`: every file dated now, not at its commit. The builds share one
    // target directory, where cargo names a workspace crate's artifacts
    // alike whatever tree it came from and calls them fresh when no source
    // file is newer than they are: files dated at an older commit than the
    // last build would be taken as built, and the binary would hold the
    // previous source's code (seen here: a head built with base's `reports`).
    let tar = Command::new("tar")
        .args(["-x", "-m"])
        .arg("-C")
        .arg(dir)
        .stdin(archive.stdout.take().expect("piped"))
        .status()
        .context("starting tar")?;
    let git = archive.wait().context("git archive")?;
    if !git.success() || !tar.success() {
        bail!("exporting {sha} into {} failed (git archive {git}, tar {tar})", dir.display());
    }
    Ok(())
}

/// Points `src` at the crate version or checkout asked for; says what it uses.
fn pin(src: &Path, krate: &str, version: Option<&str>, path: Option<&Path>, flag: &str) -> anyhow::Result<String> {
    if let Some(path) = path {
        let path = absolute(path)?;
        if !path.join("Cargo.toml").is_file() {
            bail!(Usage(format!("--{flag}-path {}: no Cargo.toml there", path.display())));
        }
        let manifest = src.join("Cargo.toml");
        let mut toml = fs::read_to_string(&manifest).with_context(|| format!("{}", manifest.display()))?;
        toml.push_str(&format!("\n[patch.crates-io]\n{krate} = {{ path = {:?} }}\n", path.display().to_string()));
        fs::write(&manifest, toml).with_context(|| format!("{}", manifest.display()))?;
        cargo(src, &["update", "-p", krate]).map_err(|e| Usage(format!("--{flag}-path {}: {e}", path.display())))?;
        return Ok(format!("{krate} at {}", path.display()));
    }
    if let Some(version) = version {
        cargo(src, &["update", "-p", krate, "--precise", version])
            .map_err(|e| Usage(format!("--{flag}-version {version}: {e}")))?;
    }
    let lock = fs::read_to_string(src.join("Cargo.lock")).context("reading Cargo.lock")?;
    match scripts::cargo_lock::locked_version(&lock, krate) {
        Some(v) => Ok(format!("{krate} {v}")),
        None => bail!(Usage(format!("--crate {krate}: not in Cargo.lock"))),
    }
}

fn cargo(dir: &Path, args: &[&str]) -> Result<(), String> {
    let out = Command::new(cargo_program()).args(args).current_dir(dir).output().map_err(|e| format!("cargo: {e}"))?;
    if out.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("failed");
    Err(format!("cargo {}: {}", args.join(" "), last.trim()))
}

/// The cargo that runs us (`$CARGO` under `cargo run`), else `cargo`.
fn cargo_program() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// Where and how the builds are made: the `--work-dir` (its `target/` is
/// the shared target directory, its `bin/` holds the binaries copied out)
/// and the codegen units of every build.
struct Workshop {
    work: PathBuf,
    codegen_units: u32,
}

impl Workshop {
    /// Builds `arena` from `src`: once per runtime family in `families` where
    /// the source builds families apart (`<work>/bin/arena-<role>-<family>`),
    /// else once whole (`<work>/bin/arena-<role>`).
    fn build(&self, role: &str, src: &Path, what: String, families: &[&str]) -> anyhow::Result<Build> {
        let manifest = src.join("scripts").join("Cargo.toml");
        let manifest = fs::read_to_string(&manifest).with_context(|| format!("reading {}", manifest.display()))?;
        if !families.is_empty() && families.iter().all(|f| builds_apart(&manifest, f)) {
            let mut built = Vec::new();
            for family in families {
                let binary = self.build_one(role, src, &what, Some(family))?;
                built.push(FamilyBinary { family: (*family).to_owned(), binary: binary.display().to_string() });
            }
            let binary = built[0].binary.clone();
            return Ok(Build { role: role.into(), what, binary, families: built });
        }
        let binary = self.build_one(role, src, &what, None)?;
        let what = format!("{what}; every family in one binary (the source has no per-family features)");
        Ok(Build { role: role.into(), what, binary: binary.display().to_string(), families: Vec::new() })
    }

    /// One `cargo build` of `arena` from `src` (with one `family` alone, or
    /// whole), copied out of the shared target directory.
    fn build_one(&self, role: &str, src: &Path, what: &str, family: Option<&str>) -> anyhow::Result<PathBuf> {
        let (work, target) = (&self.work, self.work.join("target"));
        let name = family.map_or_else(|| role.to_owned(), |f| format!("{role}-{f}"));
        let log = work.join(format!("build-{name}.log"));
        let alone = family.map_or(String::new(), |f| format!(", {f} alone"));
        eprintln!("building {role}: {what}{alone} (log: {})", log.display());
        let log_file = fs::File::create(&log).with_context(|| format!("{}", log.display()))?;
        let mut cargo = Command::new(cargo_program());
        cargo.args(["build", "--release", "--locked", "--bin", "arena"]);
        if let Some(f) = family {
            cargo.args(["--no-default-features", "--features", f]);
        }
        let status = cargo
            .env("CARGO_TARGET_DIR", &target)
            .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", self.codegen_units.to_string())
            .current_dir(src)
            .stdout(log_file.try_clone()?)
            .stderr(log_file)
            .status()
            .context("starting cargo")?;
        if !status.success() {
            bail!("building {role} ({what}{alone}) failed: see {}", log.display());
        }
        let bin = work.join("bin");
        fs::create_dir_all(&bin).with_context(|| format!("--work-dir {}", work.display()))?;
        let binary = bin.join(format!("arena-{name}"));
        fs::copy(target.join("release").join("arena"), &binary)
            .with_context(|| format!("copying the {name} binary to {}", binary.display()))?;
        Ok(binary)
    }
}

/// The compared families the change cannot reach, each with why, where
/// every family was built alone (in one shared binary, any code may move any
/// other): with `--base/--head`, the families none of whose code the diff
/// touches ([`unreached`]); with `--crate X`, the families whose dependency
/// graph in head's source (`cargo tree`, that family's feature alone) holds
/// no X.
pub fn controls(args: &CompareArgs, builds: &[Build; 3], families: &[&str]) -> anyhow::Result<Vec<(String, String)>> {
    if builds.iter().any(|b| b.families.is_empty()) || args.base_bin.is_some() {
        return Ok(Vec::new());
    }
    if let (Some(base), Some(head)) = (&args.base, &args.head) {
        let repo = absolute(&args.repo)?;
        let out = Command::new("git")
            .arg("-C")
            .arg(&repo)
            .args(["diff", "--name-only", base.as_str(), head.as_str()])
            .output()
            .context("starting git diff")?;
        if !out.status.success() {
            bail!("git diff {base} {head} in {}: {}", repo.display(), String::from_utf8_lossy(&out.stderr).trim());
        }
        let paths: Vec<String> = String::from_utf8_lossy(&out.stdout).lines().map(str::to_owned).collect();
        let files = if paths.len() == 1 { "1 file".to_owned() } else { format!("{} files", paths.len()) };
        let why = |f: &str| format!("the change ({files}) touches no code of the {f} family");
        return Ok(unreached(&paths, families).into_iter().map(|f| (f.to_owned(), why(f))).collect());
    }
    let Some(krate) = &args.krate else { return Ok(Vec::new()) };
    let src = absolute(&args.work_dir)?.join("src-head");
    let mut controls = Vec::new();
    for family in families {
        let out = Command::new(cargo_program())
            .args(["tree", "--locked", "-p", "scripts", "--no-default-features", "--features", family])
            .args(["-e", "normal,build", "--prefix", "none", "--format", "{p}"])
            .current_dir(&src)
            .output()
            .context("starting cargo tree")?;
        if !out.status.success() {
            let stderr = String::from_utf8_lossy(&out.stderr);
            bail!("cargo tree for the {family} family in {}: {}", src.display(), stderr.trim());
        }
        let tree = String::from_utf8_lossy(&out.stdout);
        if !tree.lines().any(|l| l.split_whitespace().next() == Some(krate.as_str())) {
            controls.push(((*family).to_owned(), format!("the {family} family does not depend on {krate}")));
        }
    }
    Ok(controls)
}

/// Which of `families` a change of `paths` (from the repository's root, as
/// `git diff --name-only` names them) cannot reach. Documentation, results
/// and CI files reach no family; a family's adapter file and its runtimes'
/// expected profiles reach that family; anything else (the workloads, the
/// shared runners code, the lockfile, the binaries) reaches every family.
fn unreached<'a>(paths: &[String], families: &[&'a str]) -> Vec<&'a str> {
    let mut reached: Vec<&str> = Vec::new();
    for path in paths {
        let prose =
            path.ends_with(".md") || ["docs/", "results/", ".github/", ".ci/"].iter().any(|d| path.starts_with(d));
        if prose {
            continue;
        }
        let profile = path.strip_prefix("runners/profiles/").and_then(|p| p.strip_suffix(".toml"));
        let family = runners::families::FAMILIES
            .iter()
            .find(|f| f.adapter == path || profile.is_some_and(|id| f.runtimes.contains(&id)));
        match family {
            Some(f) => reached.push(f.feature),
            None => return Vec::new(),
        }
    }
    families.iter().copied().filter(|f| !reached.contains(f)).collect()
}

/// Whether a `scripts/Cargo.toml` declares `family` as a feature of its own
/// (`tokio = ["runners/tokio"]`), so that it can be built alone.
fn builds_apart(manifest: &str, family: &str) -> bool {
    manifest.lines().any(|l| l.trim() == format!("{family} = [\"runners/{family}\"]"))
}

#[cfg(test)]
mod tests {
    use super::{builds_apart, unreached};

    #[test]
    fn a_change_reaches_the_families_whose_code_it_touches() {
        let paths = |ps: &[&str]| ps.iter().map(|p| p.to_string()).collect::<Vec<_>>();
        let compared = ["tokio", "smol", "futures"];
        assert_eq!(unreached(&paths(&["runners/src/adapters/smol_rt.rs"]), &compared), ["tokio", "futures"]);
        let adapter_and_profile =
            paths(&["runners/src/adapters/smol_rt.rs", "runners/profiles/tokio-ct.toml", "README.md"]);
        assert_eq!(unreached(&adapter_and_profile, &compared), ["futures"]);
        assert_eq!(
            unreached(&paths(&["README.md", "docs/gate.md", ".github/workflows/gate.yml"]), &compared),
            compared
        );
        for shared in ["runners/src/harness.rs", "workloads/src/spawn.rs", "Cargo.lock", "runners/src/smol"] {
            let touched = paths(&["runners/src/adapters/smol_rt.rs", shared]);
            assert!(unreached(&touched, &compared).is_empty(), "{shared} reaches every family");
        }
    }

    #[test]
    fn a_manifest_with_family_features_builds_them_apart() {
        let manifest = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")).unwrap();
        for family in runners::families::FAMILIES {
            assert!(builds_apart(&manifest, family.feature), "{}", family.feature);
        }
        assert!(!builds_apart("[dependencies]\nrunners.workspace = true\n", "tokio"));
    }
}
