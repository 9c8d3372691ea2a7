package io.ferrite.engine.tracking;

import io.ferrite.engine.Client;
import io.ferrite.reply.Reply;
import io.ferrite.engine.pubsub.OutOfBand;

/** Told to a RESP3 tracking client whose REDIRECT target has gone: ["tracking-redir-broken", id]. */
record BrokenRedirect(long id) implements OutOfBand {
    @Override
    public boolean writeTo(Reply reply, Client client) {
        if (client.resp() != 3) {
            return false;
        }
        reply.push(2);
        reply.bulk("tracking-redir-broken");
        reply.integer(id);
        return true;
    }
}
