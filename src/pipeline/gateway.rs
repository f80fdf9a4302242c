//! The transport entry: the [`Gateway`] handed to a vendor's own transport, which runs one of the
//! vendor's operations through steps 2 to 6 exactly as a routed request would go.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use super::context::{Context, Target};
use super::{record, run, settle};
use crate::fault::Fault;
use crate::state::AppState;
use crate::vendor::{Gateway, Invocation, Problem, Reply};

/// Runs operations of the vendor at `vendor` in the registry.
pub struct PipelineGateway {
    state: Arc<AppState>,
    vendor: usize,
}

impl PipelineGateway {
    pub fn new(state: Arc<AppState>, vendor: usize) -> PipelineGateway {
        PipelineGateway { state, vendor }
    }
}

impl Gateway for PipelineGateway {
    fn invoke<'a>(
        &'a self,
        call: Invocation<'a>,
    ) -> Pin<Box<dyn Future<Output = (Reply, Option<Fault>)> + Send + 'a>> {
        Box::pin(async move {
            let state = &self.state;
            let vendor = state.registry.get(self.vendor);
            let mut ctx = Context::new(state, call.method, call.path, None, call.headers);
            ctx.body = call.body;
            ctx.found.vendor = Some(vendor);
            let (reply, fault) = match state.registry.operations(self.vendor).get(call.index) {
                Some(&operation) => {
                    ctx.found.operation = Some(operation);
                    let target = Target {
                        vendor,
                        operation,
                        index: call.index,
                        params: Vec::new(),
                        query: Vec::new(),
                        stub: None,
                    };
                    settle(run(&mut ctx, &target).await)
                }
                None => {
                    let problem = Problem::UnknownPath {
                        method: call.method.to_string(),
                        path: call.path.to_owned(),
                    };
                    (vendor.render_error(&vendor.reject(problem)), None)
                }
            };
            (record::record(&ctx, reply, fault), fault)
        })
    }

    fn body_limit(&self) -> usize {
        self.state.config.body_limit
    }

    fn session_limit(&self) -> usize {
        self.state.config.max_mcp_sessions
    }
}
