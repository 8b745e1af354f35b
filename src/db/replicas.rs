//! Read routing over PostgreSQL streaming replicas: queries read from a replica that is up and
//! close enough behind, writes go to the primary, and a client that just wrote reads from the
//! primary (or from a replica that has replayed its write) until its write is old enough.
//!
//! Replicas are checked in the background, every [`CHECK_INTERVAL`], never on a request's path:
//! a replica that does not answer, is not a standby, or has not replayed what the primary had
//! [`ReplicaSettings::max_lag`] ago is skipped until a check finds it good again. Lag is measured
//! in time against the primary's own WAL positions sampled by the same checks, so an idle
//! primary does not make a replica look behind.
//!
//! Read-your-writes: after each mutation the endpoint asks the primary for its WAL position
//! (`pg_current_wal_insert_lsn()`: the commit record is behind it even when it is not yet
//! written out, as with `synchronous_commit = off`, where `pg_current_wal_lsn()` can lag it) and records it for the client (its subject,
//! else its address) for [`ReplicaSettings::window`]. Other processes learn of it through the
//! notification hub (LISTEN/NOTIFY), so a client whose next read lands on another replica of the
//! service is routed the same way, once that process has heard (milliseconds on one network).

use std::{
    collections::{HashMap, VecDeque},
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, Mutex, RwLock,
    },
    time::{Duration, Instant},
};

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};
use sha2::{Digest, Sha256};

use crate::{
    auth::Caller,
    domain::notification::{self, Hub, Notification},
    error::{AppError, AppResult},
};

/// How often each replica (and the primary's WAL position) is looked at.
pub const CHECK_INTERVAL: Duration = Duration::from_millis(500);
/// Longest one check may take before the replica counts as down.
const CHECK_TIMEOUT: Duration = Duration::from_secs(2);
/// Clients whose recent writes are remembered at most; past it the oldest are forgotten first.
const RECENT_CAPACITY: usize = 10_000;
/// Reads by `target` (primary, replica1, replica2 …).
pub const DATABASE_READS: &str = "database_reads_total";

/// How reads are routed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplicaSettings {
    /// A replica that has not replayed what the primary had this long ago is skipped.
    pub max_lag: Duration,
    /// How long a client's write steers its reads to where the write is visible.
    pub window: Duration,
}

impl Default for ReplicaSettings {
    fn default() -> Self {
        Self {
            max_lag: Duration::from_secs(10),
            window: Duration::from_secs(15),
        }
    }
}

/// A position in the primary's write-ahead log, as a number (`16/B374D848` → 0x16_B374D848).
pub type Lsn = u64;

/// Parses PostgreSQL's text form of an LSN.
pub fn parse_lsn(text: &str) -> Option<Lsn> {
    let (high, low) = text.split_once('/')?;
    Some((u64::from_str_radix(high, 16).ok()? << 32) | u64::from_str_radix(low, 16).ok()?)
}

/// Who reads or writes, as routing tells clients apart: a digest of the signed-in subject, else
/// of the client address. A digest, so that notifications carry no identity.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClientKey(String);

impl ClientKey {
    pub fn of(caller: &Caller, address: &str) -> Self {
        let mut hasher = Sha256::new();
        match caller.principal() {
            Some(principal) => {
                hasher.update(b"subject:");
                hasher.update(principal.subject.as_bytes());
            }
            None => {
                hasher.update(b"address:");
                hasher.update(address.as_bytes());
            }
        }
        Self(hex::encode(&hasher.finalize()[..16]))
    }
}

/// Where reads go: the primary alone (no replicas configured), or the primary and its replicas.
/// Cheap to clone.
#[derive(Clone)]
pub struct Reads(Arc<Inner>);

struct Inner {
    primary: DatabaseConnection,
    replicas: Vec<Replica>,
    settings: ReplicaSettings,
    /// Clients' latest writes: the WAL position and until when it steers their reads.
    recent: Mutex<HashMap<ClientKey, (Lsn, Instant)>>,
    hub: Option<Hub>,
    next: AtomicUsize,
}

struct Replica {
    name: String,
    db: DatabaseConnection,
    health: RwLock<Health>,
}

/// What the last check found.
#[derive(Debug, Clone, Copy, Default)]
struct Health {
    usable: bool,
    replayed: Lsn,
}

impl Reads {
    /// Every read from `primary`.
    pub fn primary_only(primary: DatabaseConnection) -> Self {
        Self(Arc::new(Inner {
            primary,
            replicas: Vec::new(),
            settings: ReplicaSettings::default(),
            recent: Mutex::new(HashMap::new()),
            hub: None,
            next: AtomicUsize::new(0),
        }))
    }

    /// Reads spread over `urls` (PostgreSQL standbys of `primary`), checked in the background
    /// from now on; writes announced to other processes through `hub`. Connects lazily, so a
    /// replica that is down at start is only skipped. Call it on a Tokio runtime.
    pub async fn with_replicas(
        primary: DatabaseConnection,
        urls: &[String],
        settings: ReplicaSettings,
        hub: Hub,
        max_connections: u32,
        statement_timeout: Duration,
    ) -> AppResult<Self> {
        if urls.is_empty() {
            return Ok(Self::primary_only(primary));
        }
        if primary.get_database_backend() != DbBackend::Postgres {
            return Err(AppError::internal(
                "DATABASE_REPLICA_URLS needs a PostgreSQL DATABASE_URL",
            ));
        }
        let mut replicas = Vec::with_capacity(urls.len());
        for (i, url) in urls.iter().enumerate() {
            replicas.push(Replica {
                name: format!("replica{}", i + 1),
                db: connect_lazily(url, max_connections, statement_timeout).await?,
                health: RwLock::new(Health::default()),
            });
        }
        let reads = Self(Arc::new(Inner {
            primary,
            replicas,
            settings,
            recent: Mutex::new(HashMap::new()),
            hub: Some(hub.clone()),
            next: AtomicUsize::new(0),
        }));
        tokio::spawn(check(Arc::downgrade(&reads.0)));
        tokio::spawn(hear(Arc::downgrade(&reads.0), hub.subscribe()));
        Ok(reads)
    }

    pub fn has_replicas(&self) -> bool {
        !self.0.replicas.is_empty()
    }

    /// The connection `client`'s next read goes to: a usable replica that has what the client
    /// last wrote, in turn; else the primary.
    pub fn for_read(&self, client: &ClientKey) -> DatabaseConnection {
        let inner = &self.0;
        if inner.replicas.is_empty() {
            return inner.primary.clone();
        }
        let needs = self.must_see(client);
        let usable: Vec<&Replica> = inner
            .replicas
            .iter()
            .filter(|r| {
                let health = r.health.read().map(|h| *h).unwrap_or_default();
                health.usable && needs.is_none_or(|lsn| health.replayed >= lsn)
            })
            .collect();
        let (name, db) = match usable.as_slice() {
            [] => ("primary", &inner.primary),
            some => {
                let replica = some[inner.next.fetch_add(1, Ordering::Relaxed) % some.len()];
                (replica.name.as_str(), &replica.db)
            }
        };
        metrics::counter!(DATABASE_READS, "target" => name.to_owned()).increment(1);
        db.clone()
    }

    /// The WAL position `client`'s reads must see, while its last write is recent.
    fn must_see(&self, client: &ClientKey) -> Option<Lsn> {
        let mut recent = self.0.recent.lock().ok()?;
        match recent.get(client) {
            Some((lsn, until)) if *until > Instant::now() => Some(*lsn),
            Some(_) => {
                recent.remove(client);
                None
            }
            None => None,
        }
    }

    /// Records that `client` has just written (its transaction committed): asks the primary
    /// where its log is now and tells every process. Costs one statement, and only with
    /// replicas configured.
    pub async fn wrote(&self, client: &ClientKey) {
        if self.0.replicas.is_empty() {
            return;
        }
        let lsn = match primary_lsn(&self.0.primary).await {
            Ok(lsn) => lsn,
            Err(err) => {
                // Not knowing where, the client reads from the primary for the window.
                tracing::warn!(%err, "the primary's WAL position is unknown");
                Lsn::MAX
            }
        };
        self.0.remember(client.clone(), lsn);
        if let Some(hub) = &self.0.hub {
            notification::publish(
                hub,
                Notification::ClientWrote {
                    client: client.0.clone(),
                    lsn,
                },
            );
        }
    }
}

impl Inner {
    fn remember(&self, client: ClientKey, lsn: Lsn) {
        let Ok(mut recent) = self.recent.lock() else {
            return;
        };
        let now = Instant::now();
        if recent.len() >= RECENT_CAPACITY && !recent.contains_key(&client) {
            recent.retain(|_, (_, until)| *until > now);
            if recent.len() >= RECENT_CAPACITY {
                if let Some(oldest) = recent
                    .iter()
                    .min_by_key(|(_, (_, until))| *until)
                    .map(|(k, _)| k.clone())
                {
                    recent.remove(&oldest);
                }
            }
        }
        let until = now + self.settings.window;
        let entry = recent.entry(client).or_insert((lsn, until));
        // A later write of the same client (heard from another process, or its echo) may arrive
        // first; keep the furthest position.
        *entry = (entry.0.max(lsn), until);
    }
}

async fn connect_lazily(url: &str, max_connections: u32, statement_timeout: Duration) -> AppResult<DatabaseConnection> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(max_connections)
        .min_connections(0)
        .connect_timeout(CHECK_TIMEOUT)
        .acquire_timeout(CHECK_TIMEOUT)
        .test_before_acquire_if_idle_for(Duration::from_secs(1))
        .connect_lazy(true)
        .sqlx_logging(false)
        .map_sqlx_postgres_opts(move |opts| {
            opts.options([
                ("statement_timeout", format!("{}ms", statement_timeout.as_millis())),
                ("jit", "off".to_owned()),
                ("plan_cache_mode", "force_custom_plan".to_owned()),
                ("random_page_cost", "1.1".to_owned()),
            ])
        });
    // Lazily: nothing is connected yet, so this fails only on a URL it cannot use.
    Database::connect(options)
        .await
        .map_err(|err| AppError::internal(format_args!("DATABASE_REPLICA_URLS: {err}")))
}

async fn primary_lsn(db: &DatabaseConnection) -> AppResult<Lsn> {
    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT pg_current_wal_insert_lsn()::text AS lsn",
        ))
        .await
        .map_err(AppError::internal)?;
    row.and_then(|r| r.try_get::<String>("", "lsn").ok())
        .and_then(|text| parse_lsn(&text))
        .ok_or_else(|| AppError::internal("pg_current_wal_insert_lsn() gave no position"))
}

/// A standby's replayed position, or why it is not usable.
async fn replayed(db: &DatabaseConnection) -> Result<Lsn, String> {
    let statement = Statement::from_string(
        DbBackend::Postgres,
        "SELECT pg_is_in_recovery() AS standby, pg_last_wal_replay_lsn()::text AS replayed",
    );
    let row = tokio::time::timeout(CHECK_TIMEOUT, db.query_one_raw(statement))
        .await
        .map_err(|_| "no answer".to_owned())?
        .map_err(|err| err.to_string())?
        .ok_or("no row")?;
    if !row.try_get::<bool>("", "standby").map_err(|err| err.to_string())? {
        return Err("not a standby (promoted?)".to_owned());
    }
    row.try_get::<Option<String>>("", "replayed")
        .map_err(|err| err.to_string())?
        .and_then(|text| parse_lsn(&text))
        .ok_or_else(|| "no replay position".to_owned())
}

/// The primary's positions of the last checks: a replica's lag is the age of the oldest
/// position it has not replayed.
struct Samples(VecDeque<(Instant, Lsn)>);

impl Samples {
    fn lag(&self, replayed: Lsn, now: Instant) -> Duration {
        self.0
            .iter()
            .find(|(_, lsn)| *lsn > replayed)
            .map_or(Duration::ZERO, |(at, _)| now.saturating_duration_since(*at))
    }
}

/// The background check, for as long as the router lives.
async fn check(inner: std::sync::Weak<Inner>) {
    let mut samples = Samples(VecDeque::new());
    let mut ticks = tokio::time::interval(CHECK_INTERVAL);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let Some(inner) = inner.upgrade() else { return };
        let now = Instant::now();
        if let Ok(Ok(lsn)) = tokio::time::timeout(CHECK_TIMEOUT, primary_lsn(&inner.primary)).await {
            if samples.0.back().is_none_or(|(_, last)| *last != lsn) {
                samples.0.push_back((now, lsn));
            }
        }
        // Samples older than twice the bound decide nothing the younger ones do not; one is
        // kept so that a replica stuck further back still shows as behind.
        while samples.0.len() > 1 && samples.0[1].0 + inner.settings.max_lag * 2 < now {
            samples.0.pop_front();
        }
        for replica in &inner.replicas {
            let found = replayed(&replica.db).await.and_then(|lsn| {
                let lag = samples.lag(lsn, now);
                if lag > inner.settings.max_lag {
                    Err(format!("{} s behind", lag.as_secs()))
                } else {
                    Ok(lsn)
                }
            });
            let Ok(mut health) = replica.health.write() else {
                continue;
            };
            match found {
                Ok(lsn) => {
                    if !health.usable {
                        tracing::info!(replica = %replica.name, "replica usable: reads go to it");
                    }
                    *health = Health {
                        usable: true,
                        replayed: lsn,
                    };
                }
                Err(why) => {
                    if health.usable {
                        tracing::warn!(replica = %replica.name, %why, "replica skipped");
                    }
                    health.usable = false;
                }
            }
        }
    }
}

/// Writes other processes announce.
async fn hear(inner: std::sync::Weak<Inner>, mut notifications: tokio::sync::broadcast::Receiver<Notification>) {
    loop {
        match notifications.recv().await {
            Ok(Notification::ClientWrote { client, lsn }) => {
                let Some(inner) = inner.upgrade() else { return };
                inner.remember(ClientKey(client), lsn);
            }
            Ok(_) => {}
            // Missed some: those clients may read a replica behind their write, once.
            Err(tokio::sync::broadcast::error::RecvError::Lagged(missed)) => {
                tracing::warn!(missed, "write announcements missed");
            }
            Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
        }
        if inner.strong_count() == 0 {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_lsns_as_postgres_writes_them() {
        assert_eq!(parse_lsn("0/0"), Some(0));
        assert_eq!(parse_lsn("16/B374D848"), Some(0x16_B374_D848));
        assert_eq!(parse_lsn("16B374D848"), None);
        assert_eq!(parse_lsn("x/1"), None);
    }

    #[test]
    fn lag_is_the_age_of_the_oldest_position_not_replayed() {
        let start = Instant::now();
        let samples = Samples(VecDeque::from([
            (start, 100),
            (start + Duration::from_secs(2), 200),
            (start + Duration::from_secs(4), 300),
        ]));
        let now = start + Duration::from_secs(5);
        assert_eq!(samples.lag(300, now), Duration::ZERO);
        assert_eq!(samples.lag(250, now), Duration::from_secs(1));
        assert_eq!(samples.lag(150, now), Duration::from_secs(3));
        assert_eq!(samples.lag(50, now), Duration::from_secs(5));
    }
}
