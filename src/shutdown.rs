//! Graceful shutdown: the one signal the parts of a serving process share. SIGTERM or SIGINT
//! begins it; readiness answers 503 from then on, subscription sockets close with 1001, the
//! background loops (mail sender, sweep) end after the work in hand, and `serve` stops the
//! listener and lets requests in flight finish within SHUTDOWN_TIMEOUT.

use std::{future::Future, sync::Arc, time::Duration};

use tokio::{sync::watch, task::JoinHandle};

/// Whether shutdown has begun; clones share one state. A watch channel rather than a flag so
/// that the parts can wait for it as well as look at it.
#[derive(Clone)]
pub struct Shutdown(Arc<watch::Sender<bool>>);

impl Default for Shutdown {
    fn default() -> Self {
        Self(Arc::new(watch::Sender::new(false)))
    }
}

impl std::fmt::Debug for Shutdown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Shutdown").field(&self.has_begun()).finish()
    }
}

impl Shutdown {
    /// Begins shutdown; the second call changes nothing.
    pub fn begin(&self) {
        self.0.send_replace(true);
    }

    /// Whether shutdown has begun.
    pub fn has_begun(&self) -> bool {
        *self.0.borrow()
    }

    /// Resolves once shutdown has begun (at once if it has).
    pub async fn begun(&self) {
        let mut watching = self.0.subscribe();
        // The sender lives in `self`, so the channel cannot close while this waits.
        let _ = watching.wait_for(|begun| *begun).await;
    }
}

/// Resolves with the signal's name on the first SIGTERM or SIGINT. Installed before the server
/// starts, so a signal sent at once is not lost.
pub fn signals() -> std::io::Result<impl Future<Output = &'static str>> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = int.recv() => "SIGINT",
        }
    })
}

/// A serving HTTP server and what its shutdown needs.
pub struct Serving {
    pub server: actix_web::dev::Server,
    pub shutdown: Shutdown,
    /// SHUTDOWN_DRAIN: between readiness 503 and the listener closing.
    pub drain: Duration,
    /// SHUTDOWN_TIMEOUT, as given to the server (logged here).
    pub timeout: Duration,
}

impl Serving {
    /// Serves until `signal` resolves, then shuts down in phases, each logged, and waits for
    /// the `background` loops (they end after their work in hand). Ok once all is done; the
    /// server's error if it ended by itself.
    pub async fn until(
        self,
        signal: impl Future<Output = &'static str>,
        background: Vec<JoinHandle<()>>,
    ) -> std::io::Result<()> {
        let Serving {
            server,
            shutdown,
            drain,
            timeout,
        } = self;
        let handle = server.handle();
        let mut running = actix_web::rt::spawn(server);
        let signal = tokio::select! {
            served = &mut running => {
                // The server is told to stop only below: it ended by itself, report why.
                return served.map_err(std::io::Error::other)?;
            }
            signal = signal => signal,
        };
        shutdown.begin();
        tracing::info!(
            signal,
            drain_seconds = drain.as_secs(),
            "shutdown: readiness answers 503"
        );
        tokio::time::sleep(drain).await;
        tracing::info!(
            timeout_seconds = timeout.as_secs(),
            "shutdown: listener closed, waiting for requests in flight"
        );
        handle.stop(true).await;
        running.await.map_err(std::io::Error::other)??;
        tracing::info!("shutdown: HTTP server stopped");
        for task in background {
            // A loop that panicked has ended too.
            let _ = task.await;
        }
        tracing::info!("shutdown: complete");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn begun_resolves_for_every_clone_once_begun() {
        let shutdown = Shutdown::default();
        let other = shutdown.clone();
        assert!(!other.has_begun());
        let waiting = tokio::spawn(async move { other.begun().await });
        shutdown.begin();
        shutdown.begin();
        tokio::time::timeout(std::time::Duration::from_secs(1), waiting)
            .await
            .expect("begun resolves")
            .expect("the task ends");
        assert!(shutdown.has_begun());
        // Begun before anyone waits: resolves at once.
        tokio::time::timeout(std::time::Duration::from_millis(100), shutdown.begun())
            .await
            .expect("at once");
    }
}
