/**
 * Test support: the contract every backend passes ({@link
 * dev.layercache.testkit.BackendContractTest}) and real servers for integration tests ({@link
 * dev.layercache.testkit.TestServers}).
 */
@NullMarked
package dev.layercache.testkit;

import org.jspecify.annotations.NullMarked;
