//! Notifications across processes on PostgreSQL: NOTIFY on the channel `clusterbridge` after
//! commit, and one LISTEN connection per process (its own, outside the request pool) that feeds
//! the process's hub and reconnects with back-off when it drops.

use std::time::Duration;

use sea_orm::{
    sqlx::{
        postgres::{PgListener, PgPoolOptions},
        PgPool,
    },
    ConnectionTrait, DatabaseConnection, DbBackend, Statement,
};
use tokio::sync::{broadcast, mpsc, watch};

use super::Notification;

/// The one channel every process listens on.
pub const CHANNEL: &str = "clusterbridge";

const FIRST_RETRY: Duration = Duration::from_millis(100);
const LAST_RETRY: Duration = Duration::from_secs(10);

/// Sends each queued notification with `pg_notify`, in the order published. One that cannot be
/// sent is delivered on this process alone rather than lost everywhere.
pub async fn notify(
    db: DatabaseConnection,
    mut queue: mpsc::UnboundedReceiver<Notification>,
    local: broadcast::Sender<Notification>,
) {
    while let Some(notification) = queue.recv().await {
        let sent = match serde_json::to_string(&notification) {
            Ok(json) => db
                .execute_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT pg_notify($1, $2)",
                    [CHANNEL.into(), json.into()],
                ))
                .await
                .map(|_| ())
                .map_err(|err| err.to_string()),
            Err(err) => Err(err.to_string()),
        };
        if let Err(err) = sent {
            tracing::warn!(%err, "NOTIFY failed; the notification reaches this process only");
            let _ = local.send(notification);
        }
    }
}

/// Listens on [`CHANNEL`] for as long as the process runs, on a connection of its own.
pub async fn listen(requests: PgPool, local: broadcast::Sender<Notification>, up: watch::Sender<bool>) {
    // A pool of one, so the listener never takes a connection requests wait for.
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect_lazy_with((*requests.connect_options()).clone());
    let mut wait = FIRST_RETRY;
    loop {
        match listen_once(&pool, &local, &up).await {
            Ok(()) => return,
            Err(err) => {
                // A connection that had worked starts the back-off afresh.
                if up.send_replace(false) {
                    wait = FIRST_RETRY;
                }
                tracing::warn!(%err, retry_in = ?wait, "LISTEN connection lost; notifications of other processes wait");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(LAST_RETRY);
            }
        }
    }
}

/// One LISTEN connection, until it fails; `Ok` once nobody can subscribe any more.
async fn listen_once(
    pool: &PgPool,
    local: &broadcast::Sender<Notification>,
    up: &watch::Sender<bool>,
) -> Result<(), sea_orm::sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    // sqlx would reconnect silently and drop what came meanwhile; here a drop is logged.
    listener.eager_reconnect(false);
    listener.listen(CHANNEL).await?;
    up.send_replace(true);
    loop {
        let Some(message) = listener.try_recv().await? else {
            return Err(sea_orm::sqlx::Error::PoolClosed);
        };
        match serde_json::from_str::<Notification>(message.payload()) {
            Ok(notification) => {
                let _ = local.send(notification);
            }
            // Another version of the service may speak of topics this one does not know.
            Err(err) => tracing::debug!(%err, "unknown notification ignored"),
        }
        if up.is_closed() && local.receiver_count() == 0 {
            return Ok(());
        }
    }
}
