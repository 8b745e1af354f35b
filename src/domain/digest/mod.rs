//! The weekly digest (issue 16): its subscribers and their double opt-in, the links every
//! digest mail carries, and building a week's issue and its mails.

pub mod build;
pub mod content;
pub mod issue;
pub mod subscription;
mod subscription_mail;
pub mod unsubscribe;
pub mod week;

pub use issue::{build as build_issue, Run};
pub use week::Week;
