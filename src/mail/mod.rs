//! Mail (issue 16): the outbox producers queue into, and the sender that delivers it over SMTP
//! (or into a folder in development).

pub mod account_mail;
pub mod admin;
pub mod outbox;
pub mod sender;
pub mod settings;
pub mod template;
pub mod transport;

pub use outbox::{enqueue, NewMail};
pub use settings::MailSettings;
