//! Where notifications meet their subscribers: a broadcast channel per process, fed on SQLite
//! by `publish` itself and on PostgreSQL by the process's LISTEN connection only, so that a
//! process that raised an event delivers it once, like every other process.

use std::sync::Arc;

use sea_orm::{DatabaseConnection, DbBackend};
use tokio::sync::{broadcast, mpsc, watch};

use super::{postgres, Notification};

/// Notifications a slow subscriber may fall behind by before it misses some.
const CAPACITY: usize = 1_024;

/// The process's notification hub; cheap to clone.
#[derive(Clone)]
pub struct Hub(Arc<Inner>);

struct Inner {
    local: broadcast::Sender<Notification>,
    /// On PostgreSQL: the queue of the task that sends NOTIFY.
    relay: Option<mpsc::UnboundedSender<Notification>>,
    /// Whether the LISTEN connection is up (always on SQLite).
    listening: watch::Receiver<bool>,
}

impl Hub {
    /// A hub for one process alone (SQLite, the command line, unit tests).
    pub fn in_process() -> Self {
        let (local, _) = broadcast::channel(CAPACITY);
        let (_, listening) = watch::channel(true);
        Self(Arc::new(Inner {
            local,
            relay: None,
            listening,
        }))
    }

    /// The hub for a process serving `db`: on PostgreSQL it starts the NOTIFY sender and the
    /// LISTEN connection (with back-off when it drops), so it must be called on a Tokio runtime.
    pub fn for_database(db: &DatabaseConnection) -> Self {
        if db.get_database_backend() != DbBackend::Postgres {
            return Self::in_process();
        }
        let (local, _) = broadcast::channel(CAPACITY);
        let (relay, queue) = mpsc::unbounded_channel();
        let (up, listening) = watch::channel(false);
        tokio::spawn(postgres::notify(db.clone(), queue, local.clone()));
        tokio::spawn(postgres::listen(
            db.get_postgres_connection_pool().clone(),
            local.clone(),
            up,
        ));
        Self(Arc::new(Inner {
            local,
            relay: Some(relay),
            listening,
        }))
    }

    /// Every notification published from now on, on any process.
    pub fn subscribe(&self) -> broadcast::Receiver<Notification> {
        self.0.local.subscribe()
    }

    /// Waits until notifications of other processes arrive here (at once on SQLite).
    pub async fn ready(&self) {
        let mut listening = self.0.listening.clone();
        // An error means the LISTEN task is gone: nothing to wait for.
        let _ = listening.wait_for(|up| *up).await;
    }

    pub(super) fn publish(&self, notification: Notification) {
        match &self.0.relay {
            Some(relay) => {
                if let Err(unsent) = relay.send(notification) {
                    // The sender task is gone (the runtime is shutting down): this process's
                    // subscribers at least hear of it.
                    let _ = self.0.local.send(unsent.0);
                }
            }
            // No subscriber is not an error.
            None => {
                let _ = self.0.local.send(notification);
            }
        }
    }
}
