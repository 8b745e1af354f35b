//! When a request's DataLoaders fetch: once the request has nothing left to compute, not when a
//! timer says so.
//!
//! async-graphql's DataLoader collects keys for its delay (1 ms) and then fetches. A request does
//! not register all the keys of one level in one go: each object's fields run in a
//! `FuturesUnordered`, which gives the thread back after polling its futures once, so a page of 50
//! clusters registers its members' keys over many polls, between which the worker runs other
//! requests. Under load the timer fired after 16 or 20 of the 50 and the level cost two or three
//! statements (the benchmark's q3 averaged 5.75 instead of 4). Here the loader's fetches are
//! parked instead, and [`Batches::run`] starts them when a poll of the request ends without the
//! request having woken itself: every branch then waits for a fetch or for the database, so no
//! more keys can come until one answers. The count then depends on the document alone, and no
//! timer thread or task switch sits between a request and its fetches.

use std::{
    future::Future,
    mem,
    pin::Pin,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
    task::{Context, Poll, Wake, Waker},
};

use futures_util::{future::BoxFuture, stream::FuturesUnordered, StreamExt};

/// The fetches a request's DataLoaders asked for and that have not started yet.
#[derive(Clone, Default)]
pub struct Batches(Arc<Mutex<Vec<BoxFuture<'static, ()>>>>);

impl Batches {
    /// Where the DataLoader "spawns" a fetch: it waits here until the request is idle.
    pub fn park(&self, fetch: BoxFuture<'static, ()>) {
        // A poisoned lock means a panic elsewhere in this request; its fetches are moot.
        if let Ok(mut parked) = self.0.lock() {
            parked.push(fetch);
        }
    }

    fn take(&self) -> Vec<BoxFuture<'static, ()>> {
        self.0
            .lock()
            .map(|mut parked| mem::take(&mut *parked))
            .unwrap_or_default()
    }

    /// Runs `request` (a schema execution) and the fetches it parks, on the caller's task.
    pub async fn run<F: Future>(self, request: F) -> F::Output {
        Run {
            request: Box::pin(request),
            batches: self,
            running: FuturesUnordered::new(),
        }
        .await
    }
}

struct Run<F: Future> {
    request: Pin<Box<F>>,
    batches: Batches,
    running: FuturesUnordered<BoxFuture<'static, ()>>,
}

/// A waker that notes whether the request woke itself while it was being polled.
struct Noting {
    woken: AtomicBool,
    task: Waker,
}

impl Wake for Noting {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::Relaxed);
        self.task.wake_by_ref();
    }
}

impl<F: Future> Future for Run<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // Every field is Unpin: the request is boxed.
        let this = self.get_mut();
        loop {
            let noting = Arc::new(Noting {
                woken: AtomicBool::new(false),
                task: cx.waker().clone(),
            });
            let waker = Waker::from(noting.clone());
            if let Poll::Ready(output) = this.request.as_mut().poll(&mut Context::from_waker(&waker)) {
                return Poll::Ready(output);
            }
            // Woken during its own poll: it only gave the thread back and has more to compute,
            // which may ask for more keys. The wake has already scheduled the next poll.
            let yielded = noting.woken.load(Ordering::Relaxed);
            if !yielded {
                this.running.extend(this.batches.take());
            }
            let mut finished = false;
            while let Poll::Ready(Some(())) = this.running.poll_next_unpin(cx) {
                finished = true;
            }
            // A fetch that finished has answered futures of the request: poll it again now.
            if yielded || !finished {
                return Poll::Pending;
            }
        }
    }
}
