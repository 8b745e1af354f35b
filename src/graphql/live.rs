//! The subscription root and what every subscription shares: a stream of the hub's
//! notifications, each turned into the object a client selects from by a step that reads it
//! back with the subscriber's rights (and may end the subscription when those are gone).

use std::future::Future;

use async_graphql::{Context, MergedSubscription};
use futures_util::{stream, Stream};
use tokio::sync::broadcast::{error::RecvError, Receiver};

use super::{matchmaking::live::MatchmakingSubscription, post::live::PostSubscription};
use crate::{
    domain::notification::{Hub, Notification},
    error::{AppError, AppResult},
};

/// Live notifications over WebSocket (graphql-transport-ws on `/graphql`): the token, if any,
/// goes in the `connection_init` payload. Matchmaking is for signed-in callers; the feed of
/// posts is open to anonymous sockets too.
#[derive(MergedSubscription, Default)]
pub struct Subscription(MatchmakingSubscription, PostSubscription);

pub fn hub<'a>(ctx: &Context<'a>) -> &'a Hub {
    ctx.data_unchecked::<Hub>()
}

/// What a subscription does with one notification.
pub enum Step<T> {
    /// Send this to the subscriber.
    Deliver(T),
    /// Not for this subscriber, or nothing it may see.
    Skip,
    /// The subscriber may no longer follow this: the subscription completes.
    Stop,
}

impl<T> Step<T> {
    /// The step for a record read back with the subscriber's rights: a refusal or a record
    /// gone ends the subscription; a failure to read skips this one notification.
    pub fn from_lookup(found: AppResult<Option<T>>) -> Self {
        match found {
            Ok(Some(item)) => Step::Deliver(item),
            Ok(None) => Step::Skip,
            Err(AppError::Forbidden(_) | AppError::NotFound(_) | AppError::Unauthenticated(_)) => Step::Stop,
            Err(err) => {
                tracing::warn!(%err, "a notification could not be read back; skipped");
                Step::Skip
            }
        }
    }
}

/// The notifications of `receiver`, each through `step`, until a step says stop.
pub fn follow<T, F, Fut>(receiver: Receiver<Notification>, step: F) -> impl Stream<Item = T>
where
    F: FnMut(Notification) -> Fut,
    Fut: Future<Output = Step<T>>,
{
    stream::unfold((receiver, step), |(mut receiver, mut step)| async move {
        loop {
            let notification = match receiver.recv().await {
                Ok(notification) => notification,
                Err(RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "a slow subscriber missed notifications");
                    continue;
                }
                Err(RecvError::Closed) => return None,
            };
            match step(notification).await {
                Step::Deliver(item) => return Some((item, (receiver, step))),
                Step::Skip => {}
                Step::Stop => return None,
            }
        }
    })
}
