"""Every write to cases, sharing, tasks and notes. Each function is atomic, checks access through
`casework.access` before acting, and records what it did on the case timeline."""
