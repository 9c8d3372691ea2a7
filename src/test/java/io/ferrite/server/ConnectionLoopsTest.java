package io.ferrite.server;

import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectionLoopsTest {
    @Test
    void connectionsGoRoundRobinOverTheFirstIoThreadsLoopsOnly() {
        EventExecutor[] loops = new EventExecutor[4];
        for (int i = 0; i < loops.length; i++) {
            loops[i] = new io.netty.util.concurrent.DefaultEventExecutor();
        }
        try {
            var chooser = new ConnectionLoops(2).newChooser(loops);
            List<EventExecutor> picked = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                picked.add(chooser.next());
            }
            assertThat(picked).containsExactly(loops[0], loops[1], loops[0], loops[1], loops[0], loops[1]);
        } finally {
            for (EventExecutor l : loops) {
                l.shutdownGracefully();
            }
        }
    }

    @Test
    void ioThreadsZeroOrMoreThanTheShardsMeansEveryShard() {
        assertThat(ConnectionLoops.count(0, 4)).isEqualTo(4);
        assertThat(ConnectionLoops.count(9, 4)).isEqualTo(4);
        assertThat(ConnectionLoops.count(1, 4)).isEqualTo(1);
    }
}
