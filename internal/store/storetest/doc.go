// Package storetest is the contract suite for store backends. Every
// implementation of store.Store runs it from its own tests:
//
//	func TestContract(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store {
//			db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "lambent.db"))
//			if err != nil {
//				t.Fatal(err)
//			}
//			t.Cleanup(func() { db.Close() })
//			return db
//		})
//	}
//
// The suite tests only behaviour the contract promises, so that a backend
// passing it can replace another. It never sleeps; the concurrency tests
// are meant to run under -race.
package storetest
