//go:build tools

// Package tools names the commands this module builds, so go mod tidy keeps
// their dependencies. Build them with scripts/cluster/build.ts.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
