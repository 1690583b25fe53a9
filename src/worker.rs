//! One long-lived thread for matching runs.
//!
//! A run of a big cohort keeps a core busy for a fraction of a second and
//! needs tens of megabytes for its cost matrix. Runs take turns on this
//! thread, in arrival order, so two committee members starting runs at once
//! do not double the server's peak memory, and the async workers that
//! answer every other request are never blocked by one.
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;

type Job = Box<dyn FnOnce() + Send>;

/// Hands CPU-heavy engine work to the matching thread, in arrival order.
pub struct MatchingWorker {
    jobs: mpsc::Sender<Job>,
}

impl MatchingWorker {
    /// Starts the thread; it ends when the worker is dropped.
    pub fn start() -> std::io::Result<Self> {
        let (jobs, queue) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("matching".into())
            .spawn(move || {
                for job in queue {
                    // A panicking job drops its reply, which its caller
                    // sees as an error; the thread goes on with the next.
                    if catch_unwind(AssertUnwindSafe(job)).is_err() {
                        tracing::error!("a matching job panicked");
                    }
                    // The job's working data (score and cost matrices) is
                    // freed: return it to the system between runs.
                    crate::memory::release_freed();
                }
            })?;
        Ok(Self { jobs })
    }

    /// Runs `f` on the matching thread and waits for its result.
    pub async fn run<T, F>(&self, f: F) -> anyhow::Result<T>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(move || {
                // A caller that has gone (request cancelled, client away)
                // before its turn costs nothing; one that goes during the
                // run just finds no one to answer.
                if !reply.is_closed() {
                    let _ = reply.send(f());
                }
            }))
            .map_err(|_| anyhow::anyhow!("the matching thread has stopped"))?;
        answer
            .await
            .map_err(|_| anyhow::anyhow!("the matching job failed"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn jobs_run_in_order_and_a_panic_does_not_stop_the_thread() {
        let worker = MatchingWorker::start().expect("thread starts");
        assert_eq!(worker.run(|| 2 + 2).await.expect("answer"), 4);
        let failed = worker.run(|| -> i32 { panic!("boom") }).await;
        assert!(failed.is_err());
        let name = worker
            .run(|| std::thread::current().name().map(str::to_owned))
            .await
            .expect("answer");
        assert_eq!(name.as_deref(), Some("matching"));
    }

    #[tokio::test]
    async fn a_job_whose_caller_has_gone_is_skipped() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicBool, Ordering};
        let worker = MatchingWorker::start().expect("thread starts");
        // Keep the thread busy until released.
        let (release, wait) = mpsc::channel::<()>();
        let busy = worker.run(move || wait.recv().is_ok());
        tokio::pin!(busy);
        tokio::select! {
            _ = &mut busy => panic!("the busy job cannot end before its release"),
            _ = tokio::time::sleep(std::time::Duration::from_millis(5)) => {}
        }
        // Queue a job, then give up on it while it waits its turn.
        let ran = Arc::new(AtomicBool::new(false));
        let flag = ran.clone();
        let gave_up = tokio::time::timeout(
            std::time::Duration::from_millis(20),
            worker.run(move || flag.store(true, Ordering::SeqCst)),
        )
        .await;
        assert!(gave_up.is_err(), "the job waits behind the busy one");

        release.send(()).expect("busy job waits");
        assert!(busy.await.expect("answer"));
        worker.run(|| ()).await.expect("answer");

        assert!(
            !ran.load(Ordering::SeqCst),
            "a job no one waits for is skipped"
        );
    }
}
