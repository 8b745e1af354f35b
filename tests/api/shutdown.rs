//! Graceful shutdown of the real `serve` binary on SIGTERM: readiness 503 at once, requests in
//! flight finish (within SHUTDOWN_TIMEOUT, else they are cut), subscription sockets close with
//! 1001, the mail sender finishes the mail in hand, the process exits 0; and `send-mail`'s sender
//! alike.

use std::{
    io::{Read, Write},
    net::TcpStream,
    time::{Duration, Instant},
};

use serde_json::json;

use crate::{
    mail::{mail, queue, SmtpServer},
    subscriptions::client::{Client, Incoming},
    support::{Process, TestApp},
};

const BODY: &str = r#"{"query":"{ __typename }"}"#;

/// A POST /graphql on a connection of its own with only the first half of its body sent: a
/// request the server has begun and cannot finish until the rest comes.
fn half_sent(server: &Process) -> TcpStream {
    let address = server.base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("a read timeout");
    let (first, _) = BODY.split_at(BODY.len() / 2);
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{first}",
        BODY.len()
    );
    stream.write_all(head.as_bytes()).expect("send the first half");
    stream
}

/// All the server sent on `stream` until it closed it (a cut connection counts as closed).
fn answer(mut stream: TcpStream) -> String {
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes);
    String::from_utf8_lossy(&bytes).into_owned()
}

fn logged(server: &Process, words: &str) -> bool {
    server.log.lock().expect("log").iter().any(|line| line.contains(words))
}

#[test]
fn on_sigterm_readiness_fails_at_once_requests_in_flight_finish_sockets_go_away_and_the_process_exits_0() {
    let app = TestApp::empty();
    let mut server = Process::serve(&app, &[("SHUTDOWN_TIMEOUT", "20"), ("SHUTDOWN_DRAIN", "2")]);
    let (status, body, _) = server.get("/readyz", None);
    assert_eq!((status, body.as_str()), (200, "ready"));
    let mut live = Client::try_connect_to(&server.base).expect("the WebSocket opens");
    live.send(json!({ "type": "connection_init", "payload": {} }));
    match live.next() {
        Incoming::Message(m) if m["type"] == "connection_ack" => {}
        other => panic!("expected connection_ack, got {other:?}"),
    }
    let in_flight = half_sent(&server);
    // Let the server take the request up before the signal.
    std::thread::sleep(Duration::from_millis(300));

    server.terminate();
    let signalled = Instant::now();
    // The signal reaches the process's runtime a moment after `kill` returns.
    let readiness = loop {
        let (status, body, _) = server.get("/readyz", None);
        if status != 200 || signalled.elapsed() > Duration::from_secs(1) {
            break (status, body);
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!((readiness.0, readiness.1.as_str()), (503, "shutting down"));
    assert!(signalled.elapsed() < Duration::from_secs(1), "readiness fails at once");

    match live.next() {
        Incoming::Closed(code) => assert_eq!(code, 1001, "Going Away"),
        other => panic!("expected the socket to close, got {other:?}"),
    }

    let mut in_flight = in_flight;
    let (_, second) = BODY.split_at(BODY.len() / 2);
    in_flight.write_all(second.as_bytes()).expect("send the second half");
    let answered = answer(in_flight);
    assert!(answered.starts_with("HTTP/1.1 200"), "{answered}");
    assert!(answered.contains(r#"{"data":{"__typename":"Query"}"#), "{answered}");

    let exit = server
        .exit_within(Duration::from_secs(25))
        .expect("the process exits within the deadline");
    assert_eq!(exit.code(), Some(0), "exit status {exit:?}");
    for phase in [
        "shutdown: readiness answers 503",
        "shutdown: listener closed",
        "shutdown: HTTP server stopped",
        "shutdown: mail sender stopped",
        "shutdown: sweep stopped",
        "shutdown: complete",
    ] {
        assert!(logged(&server, phase), "no log line {phase:?}");
    }
}

#[test]
fn a_request_held_past_the_shutdown_timeout_is_cut_and_the_process_still_exits_0() {
    let app = TestApp::empty();
    let mut server = Process::serve(&app, &[("SHUTDOWN_TIMEOUT", "1")]);
    let held = half_sent(&server);
    std::thread::sleep(Duration::from_millis(300));

    server.terminate();
    let signalled = Instant::now();
    // The rest of the body never comes.
    let exit = server.exit_within(Duration::from_secs(15)).expect("the process exits");
    assert_eq!(exit.code(), Some(0), "exit status {exit:?}");
    assert!(
        signalled.elapsed() >= Duration::from_millis(900),
        "the server waited for the request: {:?}",
        signalled.elapsed()
    );
    let answered = answer(held);
    assert!(
        !answered.contains("200"),
        "the held request was cut, not answered: {answered}"
    );
    assert!(logged(&server, "shutdown: complete"));
}

#[test]
fn on_sigterm_the_mail_sender_finishes_the_mail_in_hand_and_gives_back_the_rest_of_its_batch() {
    let app = TestApp::empty();
    let smtp = SmtpServer::start(0);
    // All slow: whichever the sender takes first is still in hand when the signal comes.
    let recipients = ["slow-ana@example.org", "slow-ben@example.org", "slow-cy@example.org"];
    queue(app.database_url(), recipients.iter().map(|r| mail(r)).collect());
    let url = smtp.url();
    let mut server = Process::serve(&app, &[("SMTP_URL", url.as_str()), ("MAIL_SEND_INTERVAL", "1")]);
    let count = |status: &str| app.count(&format!("SELECT COUNT(*) FROM outbox_mail WHERE status = '{status}'"));
    let deadline = Instant::now() + Duration::from_secs(20);
    while count("SENDING") < 3 {
        assert!(Instant::now() < deadline, "the sender claims the batch");
        std::thread::sleep(Duration::from_millis(20));
    }

    server.terminate();
    let exit = server.exit_within(Duration::from_secs(20)).expect("the process exits");
    assert_eq!(exit.code(), Some(0), "exit status {exit:?}");
    assert_eq!(count("SENT"), 1, "the mail in hand is sent and marked");
    assert_eq!(count("QUEUED"), 2, "the rest of the batch is back in the queue");
    assert_eq!(count("SENDING"), 0);
    let received = smtp.received();
    assert_eq!(received.len(), 1, "{received:?}");
    let delivered = &received[0].0;
    assert!(recipients.contains(&delivered.as_str()), "{received:?}");
    let marked = format!("SELECT COUNT(*) FROM outbox_mail WHERE status = 'SENT' AND recipient = '{delivered}'");
    assert_eq!(app.count(&marked), 1, "the one delivered is the one marked");
    assert!(logged(
        &server,
        "shutdown: mail sender gave back the mails it had not sent"
    ));
}

/// The `send-mail` command stops as serve's sender does: the mail in hand sent and marked, the
/// rest of its batch back in the queue, exit 0.
#[test]
fn send_mail_on_sigterm_finishes_the_mail_in_hand_and_exits_0() {
    let app = TestApp::empty();
    let smtp = SmtpServer::start(0);
    let recipients = ["slow-dan@example.org", "slow-eve@example.org", "slow-fay@example.org"];
    queue(app.database_url(), recipients.iter().map(|r| mail(r)).collect());
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_clusterbridge"));
    command
        .arg("send-mail")
        .env("DATABASE_URL", app.database_url())
        .env("SMTP_URL", smtp.url())
        .env("MAIL_SEND_INTERVAL", "1")
        .env("LOG_FORMAT", "text")
        .env_remove("RUST_LOG")
        .stderr(std::process::Stdio::piped());
    let mut child = command.spawn().expect("start send-mail");
    let count = |status: &str| app.count(&format!("SELECT COUNT(*) FROM outbox_mail WHERE status = '{status}'"));
    let deadline = Instant::now() + Duration::from_secs(20);
    while count("SENDING") < 3 {
        assert!(Instant::now() < deadline, "the sender claims the batch");
        std::thread::sleep(Duration::from_millis(20));
    }
    let sent = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(sent.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let exit = loop {
        if let Some(status) = child.try_wait().expect("the process's state") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("send-mail did not stop on SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut log = String::new();
    let _ = child.stderr.take().map(|mut e| e.read_to_string(&mut log));
    assert_eq!(exit.code(), Some(0), "exit status {exit:?}: {log}");
    assert_eq!(count("SENT"), 1, "the mail in hand is sent and marked: {log}");
    assert_eq!(count("QUEUED"), 2, "the rest of the batch is back in the queue");
    assert_eq!(count("SENDING"), 0);
    assert_eq!(smtp.received().len(), 1);
    assert!(log.contains("shutdown: the sender finishes the mail in hand"), "{log}");
}
