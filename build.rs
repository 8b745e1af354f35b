//! Fetches GraphiQL's browser build (pinned by `graphiql/package-lock.json`) with `npm ci` when it
//! is missing, so that `cargo run` on a fresh clone serves GraphiQL with no CDN at run time, and
//! gzips it once into OUT_DIR (compressing 4 MB per request would be work a client could order).

use std::{path::Path, process::Command};

/// What `src/http/graphiql.rs` embeds, relative to `graphiql/`.
const ASSETS: [&str; 4] = [
    "node_modules/graphiql/graphiql.min.js",
    "node_modules/graphiql/graphiql.min.css",
    "node_modules/react/umd/react.production.min.js",
    "node_modules/react-dom/umd/react-dom.production.min.js",
];

fn main() {
    let project = Path::new(env!("CARGO_MANIFEST_DIR")).join("graphiql");
    // A missing file counts as changed, so deleting node_modules also brings the build back here.
    println!("cargo:rerun-if-changed=graphiql/package.json");
    println!("cargo:rerun-if-changed=graphiql/package-lock.json");
    for asset in ASSETS {
        println!("cargo:rerun-if-changed=graphiql/{asset}");
    }
    // Installed files older than the lock file are from another pin: install again.
    let lock_time = modified(&project.join("package-lock.json"));
    let installed = modified(&project.join("node_modules/.package-lock.json"));
    let current = installed >= lock_time && ASSETS.iter().all(|asset| project.join(asset).is_file());
    if !current {
        install(&project);
    }
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    for asset in ASSETS {
        let source = project.join(asset);
        let name = source.file_name().unwrap_or_default().to_string_lossy().into_owned();
        if let Err(err) = gzip(&source, &out.join(format!("{name}.gz"))) {
            fail(&format!("could not gzip graphiql/{asset}: {err}"));
        }
    }
}

fn gzip(source: &Path, target: &Path) -> std::io::Result<()> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(&std::fs::read(source)?)?;
    std::fs::write(target, encoder.finish()?)
}

fn install(project: &Path) {
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    let status = Command::new(npm)
        .args(["ci", "--no-audit", "--no-fund", "--ignore-scripts"])
        .current_dir(project)
        .status();
    match status {
        Ok(status) if status.success() => {}
        Ok(status) => fail(&format!(
            "`npm ci` in graphiql/ failed ({status}); GraphiQL's assets are needed"
        )),
        Err(_) => fail("npm not found: install Node.js and npm (GraphiQL's assets come from `npm ci` in graphiql/)"),
    }
    if let Some(missing) = ASSETS.iter().find(|asset| !project.join(asset).is_file()) {
        fail(&format!("`npm ci` in graphiql/ did not install {missing}"));
    }
}

fn modified(path: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// One clear line, and no build without the assets.
fn fail(message: &str) -> ! {
    println!("cargo:warning={message}");
    eprintln!("error: {message}");
    std::process::exit(1);
}
