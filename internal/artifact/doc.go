// Package artifact handles function code packages: it validates and safely
// extracts zip files, and keeps them in an encrypted, content-addressed
// store on local disk.
//
// A control-plane handler validates an upload, stores it, and later a worker
// unpacks it for a sandbox:
//
//	info, err := artifact.Inspect(zipBytes, artifact.Limits{}) // Lambda's defaults
//	if err != nil {
//		return err // errkind-classified, with Lambda's public message
//	}
//	key, err := artifact.LoadOrCreateMasterKey(keyPath)
//	...
//	store, err := artifact.OpenStore(storeDir, key)
//	...
//	digest, err := store.Put(zipBytes) // hex SHA-256, the object's address
//	...
//	fn.CodeSha256, fn.CodeSize = info.CodeSha256(), info.Size
//
//	// Later, on the worker:
//	zipBytes, err := store.Get(digest)
//	...
//	err = artifact.Extract(zipBytes, emptyDir, artifact.Limits{})
//
// Errors that a tenant may see carry an errkind.Kind and a public message
// (Lambda's text where Lambda has one); the internal cause stays in the
// chain for the log.
//
// # Threat model
//
// The package bytes are hostile. Defended: zip slip (absolute names, drive
// letters, backslashes, NULs and ".." escapes are refused, and Extract writes
// only through an os.Root with O_EXCL, so nothing outside the target
// directory is created or modified whatever the input); symlinks (targets
// that are absolute or resolve outside the package, also through other
// symlinks, are refused, and no write follows a symlink); decompression
// bombs (decompressed bytes are counted while streaming, whatever the
// headers claim, and the whole package stops one byte past MaxUnzipped);
// colliding and duplicate names; and at-rest disclosure of a copied store
// directory (objects are AES-256-GCM encrypted under per-object keys, file
// names are keyed HMACs and sizes are padded, so the copy reveals neither
// code nor which public package it holds, and a swapped or edited file fails
// to decrypt). Checking costs time linear in the package: symlinks are
// resolved over a trie with memoisation, never by re-walking paths.
//
// Not defended: an attacker who can read the master key file (or the
// server's memory) can decrypt every object, and one who can write the
// store directory can delete objects (but not substitute content). Memory is
// not bounded below the package size: each concurrent Inspect, Extract, Put
// or Get holds the whole package (up to MaxZipped, 50 MB) and its plaintext
// or ciphertext copy, and archive/zip parses the whole central directory
// before the entry count is checked, which costs about three bytes of heap
// per zip byte for a zip made only of empty entries (about 150 MB at 50 MB).
// Extract makes a few system calls per path component (os.Root resolves
// names one component at a time), so a 50 MB zip of deeply nested names
// takes seconds to unpack. Callers bound concurrency. Zip files nested in the package and the code
// itself are left alone: containing the code is the sandbox's job.
package artifact
