// Command etcd is etcd's own main: etcdmain.Main, built from the published
// go.etcd.io/etcd/server/v3 module (etcd's main package lives in a module that
// replaces its siblings with local paths, so it cannot be installed directly).
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
