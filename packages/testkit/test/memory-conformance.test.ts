// the in-memory store runs the same suite as every other engine (core's tests cannot import testkit)
import { openMemoryEventStore } from '@levy/core';
import { storeConformanceSuite } from '@levy/testkit/conformance';

storeConformanceSuite('in-memory', async () => openMemoryEventStore());
