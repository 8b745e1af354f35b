//! The live feed: `postPublished` pushes each post as it goes up, when it is one the
//! subscriber's `posts` feed with the same filter would list.

use async_graphql::{Context, Subscription};
use futures_util::Stream;

use super::{Post, PostFilterInput};
use crate::{
    domain::{locale::Preference, notification::Notification, policy::PostVisibility, post as domain},
    error::AppError,
    graphql::{
        context::{caller, db},
        live::{follow, hub, Step},
    },
};

#[derive(Default)]
pub struct PostSubscription;

#[Subscription]
impl PostSubscription {
    /// Each post once it is published (a draft going up, or an unpublished post a moderator
    /// puts back), when it matches `filter` as in `posts`. Open to anonymous sockets: published
    /// posts of visible clusters are public. A post is read back when it is delivered, so one
    /// taken down again meanwhile is not sent.
    async fn post_published(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the posts that match, as in `posts`.")] filter: Option<PostFilterInput>,
        #[graphql(desc = "The language (BCP 47 tag) to deliver the texts in; they fall back to the primary language.")]
        locale: Option<String>,
    ) -> Result<impl Stream<Item = Post>, AppError> {
        // Subscribed before the checks, so nothing published meanwhile is missed.
        let receiver = hub(ctx).subscribe();
        let locale = Preference::from_argument("locale", locale.as_deref())?;
        let filter = PostFilterInput::checked(filter)?;
        let visibility = PostVisibility::of(caller(ctx));
        let db = db(ctx).clone();
        Ok(follow(receiver, move |notification| {
            let (db, visibility, filter, locale) = (db.clone(), visibility.clone(), filter.clone(), locale.clone());
            async move {
                let Notification::PostPublished { post_id } = notification else {
                    return Step::Skip;
                };
                let found = domain::in_feed(&db, &visibility, &filter, post_id).await;
                Step::from_lookup(found.map(|m| m.map(|m| Post::in_locale(m, &locale))))
            }
        }))
    }
}
