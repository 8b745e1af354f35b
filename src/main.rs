//! The clusterbridge command line: serve the API (the default), migrate, seed, export the schema,
//! mint operator tokens.
//!
//! Long because every command is one arm of one `run` and its small set-up (settings, database,
//! runtime), and clap's `Command` enum documents each command beside its flags; each arm
//! delegates to the library, and the longer bodies (import, export) already live in `src/cli/`.
//! Moving the remaining arms there, one file a command, is the next split.

// The release build (opt-level 3) of this binary needs 130 levels of compiler queries to lay out
// the schema's root future (async-graphql's `Fields::add_set` over the merged Query), over the
// default limit of 128, and failed to compile with "queries overflow the depth limit"; the debug
// build does not go as deep.
#![recursion_limit = "256"]
mod cli;

use std::{net::TcpListener, process::ExitCode, time::Duration};

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use clusterbridge::{
    app,
    auth::{Principal, Role},
    config::{source, Environment, Settings, SettingsError},
    db,
    domain::scheduler,
    error::AppError,
    graphql,
    http::AppState,
    mail::{sender::Sender, transport::Mailer},
    observability::logging,
    seed,
    shutdown::{Serving, Shutdown},
    webhook::sender::WebhookSender,
};

// glibc's allocator took a quarter of the server's instructions on nested pages (callgrind,
// bench/shapes/q3); mimalloc's thread-local free lists suit many small, short-lived allocations.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Why a command failed; printed as the one line the operator reads.
#[derive(Debug, thiserror::Error)]
enum CliError {
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error(transparent)]
    App(#[from] AppError),
    #[error("{0}")]
    Refused(&'static str),
    #[error("cannot listen on {address}: {source}")]
    Listen {
        address: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Schema(#[from] db::schema::SchemaError),
    /// The benchmark reports its failures as text.
    #[error("benchmark: {0}")]
    Benchmark(String),
    #[error("cannot read {path}: {source}")]
    InputUnreadable {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("{path} is not a scheduling instance: {source}")]
    InputMalformed {
        path: std::path::PathBuf,
        source: serde_path_to_error::Error<serde_json::Error>,
    },
    #[error("{path} holds more than one scheduling instance: {source}")]
    InputTrailing {
        path: std::path::PathBuf,
        source: serde_json::Error,
    },
    #[error(transparent)]
    Instance(#[from] scheduler::InstanceError),
    #[error(transparent)]
    Mail(#[from] clusterbridge::mail::transport::TransportError),
    #[error(transparent)]
    Health(#[from] clusterbridge::health::ProbeError),
}

impl CliError {
    /// 2 when the input the operator gave is at fault, 1 otherwise.
    fn exit_code(&self) -> ExitCode {
        match self {
            CliError::InputUnreadable { .. }
            | CliError::InputMalformed { .. }
            | CliError::InputTrailing { .. }
            | CliError::Instance(_)
            | CliError::App(AppError::BadUserInput { .. }) => ExitCode::from(2),
            _ => ExitCode::FAILURE,
        }
    }
}

#[derive(Parser)]
#[command(
    name = "clusterbridge",
    version,
    about = "GraphQL API for an industrial-cluster collaboration platform"
)]
struct Cli {
    #[command(flatten)]
    settings: Settings,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the database (in production only with MIGRATE_ON_START=on), load the demo data
    /// into an empty development database, and serve the API with GraphiQL at / (the default
    /// command).
    Serve,
    /// Bring the database schema up to date.
    Migrate,
    /// Load the demo data set into an empty database.
    Seed {
        /// Succeed without loading anything when the database already holds clusters (a
        /// deployment's one-shot seed, run again on every start).
        #[arg(long)]
        if_empty: bool,
    },
    /// Print the GraphQL schema (SDL).
    ExportSchema,
    /// Fill an empty database with synthetic clusters for load tests (deterministic per seed).
    Generate {
        #[arg(long, default_value_t = 100_000)]
        clusters: usize,
        #[arg(long, default_value_t = 7)]
        seed: u64,
    },
    /// Print p50/p99 latency of search, filters, facets and recommendations on this database.
    Benchmark {
        /// Runs of each kind of query.
        #[arg(long, default_value_t = 200)]
        runs: usize,
        #[arg(long, default_value_t = 7)]
        seed: u64,
    },
    /// Schedule a matchmaking event's meetings into slots and tables; reads the instance as JSON
    /// (see README "Scheduling") and prints the schedule as JSON. Exits 2 on a bad instance.
    Schedule {
        #[arg(long)]
        input: std::path::PathBuf,
    },
    /// Schedule seeded synthetic events and print time, placed, bound, share of bound, mean idle
    /// slots, participants short, and a plain greedy pass's placed count.
    BenchmarkSchedule {
        /// Small events, about a second on a debug build (CI).
        #[arg(long)]
        smoke: bool,
        #[arg(long, default_value_t = 7)]
        seed: u64,
    },
    /// Send the mail that is due from the outbox, then keep looking every MAIL_SEND_INTERVAL
    /// seconds (or stop once nothing is due, with --once). Prints sent, retrying and failed.
    /// SIGTERM or SIGINT stops it after the mail in hand, the rest of its batch given back.
    SendMail {
        #[arg(long)]
        once: bool,
    },
    /// Deliver the webhooks that are due, then keep looking every WEBHOOK_SEND_INTERVAL seconds
    /// (or stop once nothing is due, with --once). Prints sent, retrying, failed and disabled.
    SendWebhooks {
        #[arg(long)]
        once: bool,
    },
    /// Build an ISO week's digest (once) and queue one mail per confirmed subscriber it has
    /// something for; a rerun queues only what is missing. Prints subscribers, mails queued,
    /// already queued and without items. Exits 2 on a bad or unfinished week.
    Digest {
        /// An ISO 8601 week that has ended, e.g. 2026-W48 (bounds in UTC).
        #[arg(long)]
        week: String,
    },
    /// Probe the server this configuration serves (LISTEN_ADDR, a wildcard address on loopback)
    /// with one GET: exit 0 on a 200, else 1 with the reason. For a container's HEALTHCHECK.
    Health {
        /// The path to GET: /readyz (the database answers, not shutting down) or /healthz.
        #[arg(long, default_value = "/readyz")]
        path: String,
        /// Seconds each step (connect, send, read) may take.
        #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..=60))]
        timeout: u64,
    },
    /// Import a partner organisation's registry (CSV, JSON array or JSON Lines; see README
    /// "Import and export"), matched by the partner's own ids. Prints the report; exits 2 when
    /// rows were rejected.
    Import {
        file: std::path::PathBuf,
        /// The partner organisation (UUID) whose registry the file is.
        #[arg(long = "partner-organisation")]
        partner_organisation: uuid::Uuid,
        /// csv, json or jsonl; from the file's extension when left out.
        #[arg(long, value_parser = ["csv", "json", "jsonl"])]
        format: Option<String>,
        /// all-or-nothing (the default) or row-by-row.
        #[arg(long, default_value = "all-or-nothing", value_parser = ["all-or-nothing", "row-by-row"])]
        mode: String,
    },
    /// Export the published directory as open data, as an anonymous caller sees it.
    Export {
        /// clusters, partnerships, successStories or events.
        kind: String,
        /// csv, json or jsonl.
        #[arg(long, value_parser = ["csv", "json", "jsonl"])]
        format: String,
        /// Where to write it; standard output when left out.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
    /// Work with the configuration.
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
    /// Mint an access token for an operator or a test client.
    IssueToken {
        #[arg(long, value_enum)]
        role: Role,
        #[arg(long)]
        subject: String,
        /// A country a PARTNER acts for; repeat for several.
        #[arg(long = "country")]
        countries: Vec<String>,
        /// A cluster (UUID) a CLUSTER_MANAGER manages; repeat for several.
        #[arg(long = "cluster")]
        clusters: Vec<uuid::Uuid>,
        /// A partner organisation (UUID) a PARTNER belongs to; repeat for several.
        #[arg(long = "partner-organisation")]
        partner_organisations: Vec<uuid::Uuid>,
        /// Lifetime, e.g. 15m, 1h, 7d.
        #[arg(long, default_value = "1h", value_parser = parse_ttl)]
        ttl: Duration,
    },
}

#[derive(Subcommand)]
enum ConfigAction {
    /// Load the settings the way `serve` does and run every check: print every problem (one line
    /// each, naming the setting) and exit 1, or print the settings (secrets masked) and exit 0.
    Check,
}

fn parse_ttl(s: &str) -> Result<Duration, String> {
    let (number, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: u64 = number
        .parse()
        .map_err(|_| format!("{s:?} is not a duration such as 15m, 1h or 7d"))?;
    let seconds = match unit {
        "s" => n,
        "m" | "" => n * 60,
        "h" => n * 3600,
        "d" => n * 86_400,
        _ => return Err(format!("unknown unit in {s:?}: use s, m, h or d")),
    };
    if seconds == 0 || seconds > 30 * 86_400 {
        return Err("a token lives between 1 second and 30 days".into());
    }
    Ok(Duration::from_secs(seconds))
}

fn main() -> ExitCode {
    // One rustls provider for the whole process: the webhook client's reqwest is built without
    // one (its default, aws-lc-rs, needs cmake), and feature unification hands the OTLP
    // exporter's reqwest the same rustls, which panics at its first client without a default.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let command = Cli::command();
    let loaded = source::load(&command, std::env::args_os().collect()).unwrap_or_else(|err| err.exit());
    let cli = Cli::from_arg_matches(&loaded.matches).unwrap_or_else(|err| err.exit());
    let mut problems = Vec::new();
    problems.extend(loaded.problems.iter().map(ToString::to_string));
    // The commands that start something long-lived check everything first; the others need only
    // what they use, and fail on that when they use it.
    let checks = matches!(cli.command, None | Some(Command::Serve) | Some(Command::Config { .. }));
    if checks {
        problems.extend(cli.settings.problems().iter().map(ToString::to_string));
    }
    for problem in &problems {
        eprintln!("{problem}");
    }
    if !problems.is_empty() {
        return ExitCode::FAILURE;
    }
    if let Some(Command::Config {
        action: ConfigAction::Check,
    }) = cli.command
    {
        for line in source::summary(&command, &loaded) {
            println!("{line}");
        }
        return ExitCode::SUCCESS;
    }
    // Only the server exports spans; the other commands log as it does.
    let serves = matches!(cli.command, None | Some(Command::Serve));
    let otlp = cli
        .settings
        .otel_exporter_otlp_endpoint
        .as_deref()
        .filter(|e| serves && !e.is_empty());
    let _logging = match logging::init(cli.settings.log_format(), otlp) {
        Ok(guard) => guard,
        Err(err) => {
            eprintln!("{err}");
            return ExitCode::FAILURE;
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("{err}");
            err.exit_code()
        }
    }
}

fn run(cli: Cli) -> Result<(), CliError> {
    let settings = cli.settings;
    match cli.command.unwrap_or(Command::Serve) {
        Command::ExportSchema => {
            print!("{}", graphql::sdl());
            Ok(())
        }
        Command::IssueToken {
            role,
            subject,
            countries,
            clusters,
            partner_organisations,
            ttl,
        } => {
            let principal = Principal {
                actor: Principal::actor_of(&subject),
                subject,
                role,
                countries: countries.iter().map(|c| c.trim().to_ascii_uppercase()).collect(),
                clusters,
                partner_organisations,
                email_verified: true,
            };
            let token = settings.token_service()?.issue(&principal, ttl)?;
            println!("{token}");
            Ok(())
        }
        Command::Generate { clusters, seed } => block_on(async {
            let db = db::connect_for_maintenance(&settings.database_url).await?;
            db::migrate(&db).await?;
            if !seed::is_empty(&db).await? {
                return Err(CliError::Refused("generate fills an empty database only"));
            }
            let started = std::time::Instant::now();
            let report = clusterbridge::generate::generate(&db, clusters, seed).await?;
            println!(
                "generated {} clusters, {} members, {} partnerships, {} success stories in {:.1} s",
                report.clusters,
                report.members,
                report.partnerships,
                report.success_stories,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }),
        Command::Benchmark { runs, seed } => block_on(async {
            let db = db::connect(&settings.database_url, settings.database_max_connections).await?;
            let report = clusterbridge::benchmark::run(&db, settings.token_service()?, runs.max(1), seed)
                .await
                .map_err(CliError::Benchmark)?;
            let results = report.measurements;
            println!(
                "{:<22} {:>10} {:>10} {:>10} {:>7}",
                "query", "p50 ms", "p99 ms", "max ms", "errors"
            );
            for m in &results {
                let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
                println!(
                    "{:<22} {:>10.1} {:>10.1} {:>10.1} {:>7}",
                    m.name,
                    ms(m.p50),
                    ms(m.p99),
                    ms(m.max),
                    m.errors
                );
            }
            println!();
            for m in &results {
                println!("slowest {:<22} {}", m.name, m.slowest);
            }
            println!(
                "\npartner index: {} candidates built in {:.1} ms (once per directory change)",
                report.partner_index_size,
                report.partner_index_build.as_secs_f64() * 1000.0
            );
            Ok(())
        }),
        Command::Schedule { input } => {
            let text = std::fs::read_to_string(&input).map_err(|source| CliError::InputUnreadable {
                path: input.clone(),
                source,
            })?;
            let mut json = serde_json::Deserializer::from_str(&text);
            let instance: scheduler::Instance =
                serde_path_to_error::deserialize(&mut json).map_err(|source| CliError::InputMalformed {
                    path: input.clone(),
                    source,
                })?;
            json.end()
                .map_err(|source| CliError::InputTrailing { path: input, source })?;
            let schedule = scheduler::schedule(&instance)?;
            let mut out = std::io::stdout().lock();
            serde_json::to_writer_pretty(&mut out, &schedule).map_err(std::io::Error::from)?;
            std::io::Write::write_all(&mut out, b"\n")?;
            Ok(())
        }
        Command::BenchmarkSchedule { smoke, seed } => benchmark_schedule(smoke, seed),
        Command::Migrate => block_on(async { Ok(db::migrate_url(&settings.database_url).await?) }),
        Command::Seed { if_empty } => block_on(async {
            db::migrate_url(&settings.database_url).await?;
            let db = db::connect(&settings.database_url, settings.database_max_connections).await?;
            if !seed::is_empty(&db).await? {
                if if_empty {
                    tracing::info!("the database already holds clusters: nothing to seed");
                    return Ok(());
                }
                return Err(CliError::Refused(
                    "the database already holds clusters; seed loads demo data into an empty one only",
                ));
            }
            let accounts = match settings.environment {
                Environment::Production => seed::DemoAccounts::Skip,
                Environment::Development => seed::DemoAccounts::Create,
            };
            let report = seed::load_demo_data(&db, accounts).await?;
            tracing::info!(?report, "demo data loaded");
            Ok(())
        }),
        Command::SendMail { once } => block_on(async {
            let mailer = Mailer::from_settings(&settings.mail)?;
            let db = db::connect(&settings.database_url, 2).await?;
            // As serve's sender: on SIGTERM or SIGINT it finishes the mail in hand, puts the
            // rest of its batch back in the queue, and the command exits 0.
            let shutdown = Shutdown::default();
            let signals = clusterbridge::shutdown::signals()?;
            let stopping = shutdown.clone();
            tokio::spawn(async move {
                let signal = signals.await;
                tracing::info!(signal, "shutdown: the sender finishes the mail in hand and stops");
                stopping.begin();
            });
            let sender = Sender::new(mailer, settings.mail.clone()).stopping_on(shutdown);
            if once {
                let pass = sender.drain(&db).await?;
                println!("sent {} retrying {} failed {}", pass.sent, pass.retrying, pass.failed);
            } else {
                sender.run(db).await;
            }
            Ok(())
        }),
        Command::SendWebhooks { once } => block_on(async {
            let db = db::connect(&settings.database_url, 2).await?;
            let sender = WebhookSender::new(settings.webhook.clone())?;
            if once {
                let pass = sender.drain(&db).await?;
                println!(
                    "sent {} retrying {} failed {} disabled {}",
                    pass.sent, pass.retrying, pass.failed, pass.disabled
                );
            } else {
                sender.run(db).await;
            }
            Ok(())
        }),
        Command::Digest { week } => block_on(async {
            let links = settings.endpoint_settings()?.links;
            let week = clusterbridge::domain::digest::Week::from_input("week", &week)?;
            db::migrate_url(&settings.database_url).await?;
            let db = db::connect(&settings.database_url, 2).await?;
            let run = clusterbridge::domain::digest::build_issue(
                &db,
                &links,
                &Principal::operator(),
                week,
                chrono::Utc::now(),
            )
            .await?;
            println!(
                "week {} items {} subscribers {} queued {} already queued {} without items {}",
                run.issue.week,
                run.issue.item_count,
                run.subscribers,
                run.queued,
                run.already_queued,
                run.without_items
            );
            Ok(())
        }),
        Command::Import {
            file,
            partner_organisation,
            format,
            mode,
        } => block_on(async {
            use clusterbridge::domain::import::{Format, Mode};
            let format = format.as_deref().map(|f| match f {
                "json" => Format::Json,
                "jsonl" => Format::JsonLines,
                _ => Format::Csv,
            });
            let mode = if mode == "row-by-row" {
                Mode::RowByRow
            } else {
                Mode::AllOrNothing
            };
            let report =
                cli::transfer::import_file(&settings.database_url, &file, partner_organisation, format, mode).await?;
            cli::transfer::print_report(&report);
            if report.rejected > 0 || report.file_error.is_some() {
                return Err(CliError::App(AppError::bad_field("file", "some rows were rejected")));
            }
            Ok(())
        }),
        Command::Export { kind, format, out } => block_on(async {
            let kind = clusterbridge::domain::export::Kind::named(&kind).ok_or(CliError::Refused(
                "export clusters, partnerships, successStories or events",
            ))?;
            let format = clusterbridge::http::export::format::Format::of_extension(&format)
                .ok_or(CliError::Refused("--format csv, json or jsonl"))?;
            let mut sink: Box<dyn std::io::Write> = match &out {
                Some(path) => Box::new(std::io::BufWriter::new(std::fs::File::create(path)?)),
                None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
            };
            let count = cli::transfer::export(
                &settings.database_url,
                kind,
                format,
                &settings.export_licence,
                &mut sink,
            )
            .await?;
            tracing::info!(records = count, "exported");
            Ok(())
        }),
        // main answered it: nothing to start.
        Command::Config { .. } => Ok(()),
        Command::Health { path, timeout } => {
            let target = clusterbridge::health::target(settings.listen_addr);
            clusterbridge::health::probe(target, &path, Duration::from_secs(timeout))?;
            println!("ok: {target}{path}");
            Ok(())
        }
        Command::Serve => {
            settings.token_service()?;
            actix_web::rt::System::new().block_on(serve(settings))
        }
    }
}

/// The scheduler's benchmark: each size on a few seeded events, one line per event.
fn benchmark_schedule(smoke: bool, seed: u64) -> Result<(), CliError> {
    use scheduler::synthetic::{event, EventSpec};
    let spec = |participants, meetings, slots, tables, over_request| EventSpec {
        participants,
        meetings,
        slots,
        tables,
        over_request,
        pinned_per_mille: 10,
    };
    let (sizes, seeds) = if smoke {
        (vec![spec(20, 60, 6, 8, 2), spec(60, 250, 10, 40, 0)], 1)
    } else {
        (vec![spec(100, 500, 12, 40, 3), spec(500, 3000, 16, 200, 0)], 3)
    };
    println!(
        "{:<26} {:>8} {:>9} {:>7} {:>7} {:>7} {:>7} {:>9} {:>6} {:>7}",
        "event", "meetings", "time ms", "placed", "bound", "share", "greedy", "greedy %", "idle", "short"
    );
    for size in sizes {
        for run in 0..seeds {
            let instance = event(size, seed + run);
            let started = std::time::Instant::now();
            let schedule = scheduler::schedule(&instance)?;
            let elapsed = started.elapsed();
            let s = &schedule.stats;
            let name = format!(
                "{}p {}x{} seed {}",
                size.participants,
                size.slots,
                size.tables,
                seed + run
            );
            let share = |placed: usize| 100.0 * placed as f64 / s.upper_bound.max(1) as f64;
            println!(
                "{:<26} {:>8} {:>9.1} {:>7} {:>7} {:>6.2}% {:>7} {:>8.2}% {:>6.2} {:>7}",
                name,
                s.meetings,
                elapsed.as_secs_f64() * 1000.0,
                s.placed,
                s.upper_bound,
                share(s.placed),
                s.greedy_placed,
                share(s.greedy_placed),
                s.mean_idle_slots,
                s.participants_short
            );
        }
    }
    println!("\nshare: placed over the upper bound (a lower estimate of the share of the optimum); idle: mean idle slots per participant with a meeting; short: participants with fewer meetings than they wished");
    Ok(())
}

fn block_on<F: std::future::Future<Output = Result<(), CliError>>>(future: F) -> Result<(), CliError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(future)
}

async fn serve(settings: Settings) -> Result<(), CliError> {
    // Bad settings stop the server before it touches the database.
    let endpoint = settings.endpoint_settings()?;
    let tokens = settings.token_service()?;
    if settings.migrates_on_start() {
        db::migrate_url(&settings.database_url).await?;
    } else {
        db::schema::check_current(&settings.database_url).await?;
    }
    let db = db::connect_with(
        &settings.database_url,
        settings.database_max_connections,
        Duration::from_secs(settings.database_acquire_timeout.max(1)),
        Duration::from_secs(settings.request_timeout),
    )
    .await?;
    if settings.environment == Environment::Development && seed::is_empty(&db).await? {
        let report = seed::load_demo_data(&db, seed::DemoAccounts::Create).await?;
        tracing::info!(?report, "empty database: demo data loaded");
    }
    // Bad mail settings stop the server too, rather than fail every mail later.
    let mailer = Mailer::from_settings(&settings.mail)?;
    let listener = TcpListener::bind(settings.listen_addr).map_err(|source| CliError::Listen {
        address: settings.listen_addr,
        source,
    })?;
    tracing::info!(
        "GraphiQL on http://{}/ — API on http://{}/graphql",
        settings.listen_addr,
        settings.listen_addr
    );
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let (shutdown_timeout, shutdown_drain) = settings.shutdown_times()?;
    let shutdown = Shutdown::default();
    // Before the server starts, so that a signal sent at once is not lost.
    let signals = clusterbridge::shutdown::signals()?;
    let sweep = actix_web::rt::spawn(clusterbridge::http::sweep::run(
        db.clone(),
        endpoint.clone(),
        shutdown.clone(),
    ));
    let sender = Sender::new(mailer, settings.mail.clone()).stopping_on(shutdown.clone());
    let sender = actix_web::rt::spawn(sender.run(db.clone()));
    let webhooks = WebhookSender::new(settings.webhook.clone())?.stopping_on(shutdown.clone());
    let webhooks = actix_web::rt::spawn(webhooks.run(db.clone()));
    let mut state = AppState::with_settings(db, tokens, endpoint);
    state.shutdown = shutdown.clone();
    state.reads = db::replicas::Reads::with_replicas(
        state.db.clone(),
        &settings.replica_urls()?,
        settings.replica_settings()?,
        state.hub.clone(),
        settings.database_max_connections,
        Duration::from_secs(settings.request_timeout),
    )
    .await?;
    let server = app::server(listener, state, workers, settings.cors_origins(), shutdown_timeout)?;
    let background = vec![sweep, sender, webhooks];
    let serving = Serving {
        server,
        shutdown,
        drain: shutdown_drain,
        timeout: shutdown_timeout,
    };
    Ok(serving.until(signals, background).await?)
}
