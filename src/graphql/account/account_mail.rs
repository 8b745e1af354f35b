//! The account mutations that work through mailed links: verifying an e-mail address and
//! resetting a forgotten password.

use async_graphql::{Context, InputObject, Object, SimpleObject};

use super::accounts::User;
use crate::{
    domain::{account, policy},
    error::AppResult,
    graphql::context::{caller, db, links, password_guard},
};

/// The result of `requestEmailVerification`.
#[derive(SimpleObject)]
pub struct RequestEmailVerificationPayload {
    /// True when a new link was mailed; false when your address is verified already.
    pub queued: bool,
}

/// A verification link's token.
#[derive(InputObject)]
pub struct VerifyEmailInput {
    /// The `token` parameter of the link in the verification mail.
    pub token: String,
}

/// The result of `verifyEmail`.
#[derive(SimpleObject)]
pub struct VerifyEmailPayload {
    /// The account whose address is now verified; its access tokens say so from their next
    /// refresh or sign-in.
    pub user: User,
}

/// The address of the account whose password was forgotten.
#[derive(InputObject)]
pub struct RequestPasswordResetInput {
    /// The account's e-mail address, in any case.
    pub email: String,
}

/// The result of `requestPasswordReset`.
#[derive(SimpleObject)]
pub struct RequestPasswordResetPayload {
    /// Always true, whether or not an account has the address: if one has, a link is on its way.
    pub accepted: bool,
}

/// A reset link's token and the new password.
#[derive(InputObject)]
pub struct ResetPasswordInput {
    /// The `token` parameter of the link in the reset mail.
    pub token: String,
    /// The new password: 12–128 characters.
    pub new_password: String,
}

/// The result of `resetPassword`.
#[derive(SimpleObject)]
pub struct ResetPasswordPayload {
    /// Every refresh token and access token of the account has been revoked (access tokens within
    /// REVOCATION_DELAY, 5 s by default): sign in with the new password.
    pub signed_out_everywhere: bool,
}

#[derive(Default)]
pub struct AccountMailMutation;

#[Object]
impl AccountMailMutation {
    /// Mails you a new link to verify your e-mail address (valid 48 hours). At most 3 in 15
    /// minutes per account (20 per client address); then RATE_LIMITED.
    async fn request_email_verification(&self, ctx: &Context<'_>) -> AppResult<RequestEmailVerificationPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let queued = account::request_email_verification(db(ctx), links(ctx), &password_guard(ctx), actor).await?;
        Ok(RequestEmailVerificationPayload { queued })
    }

    /// Verifies the address a verification link was mailed to; needs no sign-in. A link works
    /// once; a bad, used or expired one gives LINK_INVALID.
    async fn verify_email(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `VerifyEmailInput`.")]
        input: VerifyEmailInput,
    ) -> AppResult<VerifyEmailPayload> {
        let user = account::verify_email(db(ctx), links(ctx), &input.token).await?;
        Ok(VerifyEmailPayload { user: User(user) })
    }

    /// Mails a link to set a new password (valid 1 hour, once) if an account has the address.
    /// The answer is the same either way. At most 3 in 15 minutes per address asked for (20 per
    /// client address), known or not; then RATE_LIMITED.
    async fn request_password_reset(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `RequestPasswordResetInput`.")]
        input: RequestPasswordResetInput,
    ) -> AppResult<RequestPasswordResetPayload> {
        account::request_password_reset(db(ctx), links(ctx), &password_guard(ctx), &input.email).await?;
        Ok(RequestPasswordResetPayload { accepted: true })
    }

    /// Sets a new password with the token of a reset link and signs the account out everywhere.
    /// A bad, used or expired link gives LINK_INVALID; a weak password BAD_USER_INPUT.
    async fn reset_password(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `ResetPasswordInput`.")]
        input: ResetPasswordInput,
    ) -> AppResult<ResetPasswordPayload> {
        account::reset_password(db(ctx), links(ctx), &input.token, &input.new_password).await?;
        Ok(ResetPasswordPayload {
            signed_out_everywhere: true,
        })
    }
}
