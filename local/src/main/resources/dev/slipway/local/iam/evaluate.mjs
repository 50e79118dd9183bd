// slipway local's IAM evaluator: one JSON request per line on stdin, one JSON answer per line on
// stdout, in order. The policies are AWS's own evaluation as @cloud-copilot/iam-simulate models it
// (identity policies, conditions, each action's resource types); Slipway only derives the action,
// the resource ARN and the context keys from the request it intercepted.
import { createInterface } from 'node:readline'
import { runSimulation } from '@cloud-copilot/iam-simulate'

const roles = new Map() // role ARN -> identity policies
const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })
for await (const line of lines) {
  let answer
  try {
    const msg = JSON.parse(line)
    if (msg.op === 'role') {
      roles.set(msg.role, msg.policies)
      answer = { ok: true }
    } else {
      const policies = roles.get(msg.role) ?? []
      const result = await runSimulation(
        {
          identityPolicies: policies,
          serviceControlPolicies: [],
          resourceControlPolicies: [],
          request: {
            principal: msg.role,
            action: msg.action,
            resource: { resource: msg.resource, accountId: msg.account },
            contextVariables: msg.context ?? {}
          }
        },
        {}
      )
      if (result.errors) {
        answer = { decision: 'Invalid', errors: result.errors }
      } else {
        answer = { decision: result.overallResult }
      }
    }
  } catch (e) {
    answer = { decision: 'Invalid', errors: String(e && e.message ? e.message : e) }
  }
  process.stdout.write(JSON.stringify(answer) + '\n')
}
